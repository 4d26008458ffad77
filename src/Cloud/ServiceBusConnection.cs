using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Recsys.Storage;

namespace Recsys.Cloud;

/// <summary>
/// A Service Bus client from the same settings the Functions trigger reads: <c>ServiceBus__fullyQualifiedNamespace</c>
/// with <c>ServiceBus__clientId</c> (the managed identity) in Azure, or a connection string named <c>ServiceBus</c>
/// (the emulator).
/// </summary>
public static class ServiceBusConnection
{
    public const string Name = "ServiceBus";

    public static ServiceBusClient Create(IConfiguration configuration)
    {
        string? connectionString = configuration[Name];
        if (!string.IsNullOrEmpty(connectionString))
        {
            return new ServiceBusClient(connectionString);
        }

        string ns = configuration[$"{Name}:fullyQualifiedNamespace"]
            ?? throw new InvalidOperationException($"Configure {Name}__fullyQualifiedNamespace (with {Name}__clientId for a managed identity) or a {Name} connection string.");
        return new ServiceBusClient(ns, AzureIdentity.Credential(configuration[$"{Name}:clientId"]));
    }
}
