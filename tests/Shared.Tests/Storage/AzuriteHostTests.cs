using System.Net;
using System.Net.Sockets;
using Recsys.Local;
using Xunit;

namespace Recsys.Shared.Tests.Storage;

public sealed class AzuriteHostTests
{
    [Fact]
    public async Task Start_OnAPortSomethingElseHolds_FailsAtOnce_NamingThePorts()
    {
        // Given the blob port is already bound by another listener
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int taken = ((IPEndPoint)holder.LocalEndpoint).Port;
        int[] free = Enumerable.Range(0, 2).Select(_ =>
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }).ToArray();

        // When Azurite is asked for exactly those ports, it cannot bind and exits; with ports given there is no retry
        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() =>
            AzuriteHost.StartAsync(ports: [taken, free[0], free[1]], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("before it was ready", error.Message, StringComparison.Ordinal);
        Assert.Contains(taken.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }
}
