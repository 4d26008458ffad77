using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Recsys.Serving.Http;

namespace Recsys.Functions.Rank;

/// <summary>Writes a handler's <see cref="ApiResult"/> (JSON or problem details, status, ETag) to the response.</summary>
internal sealed class ApiActionResult(ApiResult answer, JsonSerializerOptions options) : IActionResult
{
    public async Task ExecuteResultAsync(ActionContext context)
    {
        ApiResult result = answer.At(context.HttpContext.Request.PathBase + context.HttpContext.Request.Path);
        var response = context.HttpContext.Response;
        response.StatusCode = result.Status;
        response.ContentType = result.ContentType;
        if (result.ETag is not null)
        {
            response.Headers.ETag = result.ETag;
        }

        await result.WriteBodyAsync(response.Body, options, context.HttpContext.RequestAborted);
    }
}
