using Azure.Core;
using Azure.Identity;

namespace Recsys.Storage;

/// <summary>The credential an app uses for identity-based connections: its user-assigned managed identity when a client id is configured, else the developer's sign-in.</summary>
public static class AzureIdentity
{
    public static TokenCredential Credential(string? clientId) =>
        string.IsNullOrEmpty(clientId)
            ? new DefaultAzureCredential()
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
}
