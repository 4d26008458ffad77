using System.Text;
using Recsys.Data;

namespace Recsys.Preparation;

/// <summary>
/// Writes rejected rows to <c>quarantine.csv</c> (<c>file,line,reason,raw</c>) so nothing the user supplied
/// silently disappears, and counts them per reason.
/// </summary>
internal sealed class QuarantineWriter : IDisposable
{
    public const string FileName = "quarantine.csv";
    private const int MaxRawBytes = 512;

    private readonly StreamWriter _writer;
    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    public QuarantineWriter(string path)
    {
        Path = path;
        _writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);
        _writer.WriteLine("file,line,reason,raw");
    }

    public string Path { get; }

    public long Total { get; private set; }

    public IReadOnlyDictionary<string, long> CountsByReason => _counts;

    public void Write(string file, long line, RejectReason reason, ReadOnlySpan<byte> raw)
    {
        string name = reason.ToName();
        _counts[name] = _counts.GetValueOrDefault(name) + 1;
        Total++;
        string text = Encoding.UTF8.GetString(raw[..Math.Min(raw.Length, MaxRawBytes)]);
        _writer.Write(Quote(file));
        _writer.Write(',');
        _writer.Write(line);
        _writer.Write(',');
        _writer.Write(name);
        _writer.Write(',');
        _writer.WriteLine(Quote(text));
    }

    public void Flush() => _writer.Flush();

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    public void Dispose() => _writer.Dispose();
}
