using System.Net;
using System.Net.Sockets;

namespace Recsys.Cli;

/// <summary>Checks a loopback port before any work, so a taken port is one line at once, not a host stack trace after the model loaded.</summary>
internal static class LocalPort
{
    public static void RequireFree(int port)
    {
        if (port == 0)
        {
            return;
        }

        try
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            probe.Start();
        }
        catch (SocketException)
        {
            throw new UsageException($"Port {port} on 127.0.0.1 is already in use; pass --port with a free one (or stop what listens there).");
        }
    }
}
