using System.Text;
using Recsys.Serving.Http;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>The word-at-a-time decimal reader against a digit-by-digit reading of the same bytes.</summary>
public sealed class IdWordTests
{
    [Theory]
    [InlineData("0", 0)]
    [InlineData("7", 7)]
    [InlineData("10", 10)]
    [InlineData("1682", 1682)]
    [InlineData("9999999", 9_999_999)]
    [InlineData("1000000", 1_000_000)]
    [InlineData("07", -1)] // not canonical
    [InlineData("00", -1)]
    [InlineData("12a", -1)]
    [InlineData("1/2", -1)] // '/' and ':' sit either side of the digits
    [InlineData("1:2", -1)]
    [InlineData("+1", -1)]
    [InlineData("", -1)]
    [InlineData("12345678", -1)] // eight digits are the caller's
    public void Decimal_ReadsCanonicalDecimalsOnly(string id, int expected) =>
        Assert.Equal(expected, IdWord.Decimal(Word(id + "\"}],xyz"), Encoding.UTF8.GetByteCount(id)));

    [Fact]
    public void RandomWords_ReadAsAByteByByteLoopReadsThem()
    {
        var random = new Random(11);
        byte[] alphabet = [.. "0123456789"u8, .. "0123456789"u8, .. "0123456789"u8, (byte)'"', 0x00, 0x20, (byte)'/', (byte)':', (byte)'a', 0x80, 0xFF, 0xF0, 0x3A];
        var bytes = new byte[8];
        for (int n = 0; n < 200_000; n++)
        {
            for (int i = 0; i < 8; i++)
            {
                bytes[i] = alphabet[random.Next(alphabet.Length)];
            }

            ulong word = BitConverter.ToUInt64(bytes);
            int length = random.Next(0, 9);
            Assert.Equal(Canonical(bytes.AsSpan(0, length)), IdWord.Decimal(word, length));
        }
    }

    private static int Canonical(ReadOnlySpan<byte> id)
    {
        if (id.Length is < 1 or > 7 || (id.Length > 1 && id[0] == '0'))
        {
            return -1;
        }

        int value = 0;
        foreach (byte b in id)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return -1;
            }

            value = (value * 10) + (b - '0');
        }

        return value;
    }

    private static ulong Word(string text)
    {
        byte[] bytes = new byte[8];
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        utf8.AsSpan(0, Math.Min(8, utf8.Length)).CopyTo(bytes);
        return BitConverter.ToUInt64(bytes);
    }
}
