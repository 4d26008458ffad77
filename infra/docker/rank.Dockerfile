# Rank app: Azure Functions host + .NET 10 isolated worker on CUDA 12 / cuDNN 9 (ONNX Runtime CUDA provider).
# Ubuntu 24.04 (glibc 2.39): the native libraries need glibc >= 2.38, which the Debian-based Functions images lack,
# so the Functions host is copied out of the official image instead of built on.
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Functions.Rank/Functions.Rank.csproj -c Release -r linux-x64 -o /app

FROM mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated10.0 AS functions-host

FROM nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04
COPY --from=mcr.microsoft.com/dotnet/aspnet:8.0-noble /usr/share/dotnet /usr/share/dotnet
COPY --from=mcr.microsoft.com/dotnet/aspnet:10.0-noble /usr/share/dotnet /usr/share/dotnet
COPY --from=functions-host /azure-functions-host /azure-functions-host
COPY --from=build /app /home/site/wwwroot
RUN apt-get update && apt-get install -y --no-install-recommends libicu74 ca-certificates && rm -rf /var/lib/apt/lists/* \
    && ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
    && useradd --uid 10001 --create-home app && chown -R app /home/site /azure-functions-host
ENV AzureWebJobsScriptRoot=/home/site/wwwroot \
    AzureFunctionsJobHost__Logging__Console__IsEnabled=true \
    FUNCTIONS_WORKER_RUNTIME=dotnet-isolated \
    DOTNET_ROOT=/usr/share/dotnet \
    ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_HTTP_PORTS=8080
USER 10001
# A non-root user cannot bind ports below 1024: the apps' ingress targets 8080.
EXPOSE 8080
ENTRYPOINT ["/azure-functions-host/Microsoft.Azure.WebJobs.Script.WebHost"]
