using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Recsys.Serving.Http;

/// <summary>
/// A body's bytes read eight at a time as one 64-bit word (SWAR, little-endian as on x64 and Arm64), and a short id's
/// value from its word when it is a canonical decimal. Ids are mostly a few digits, where a loop per digit pays more
/// for its branches (the length varies from id to id) than for its bytes.
/// </summary>
internal static class IdWord
{
    private const ulong Ones = 0x0101_0101_0101_0101;
    private const ulong Zeros = 0x3030_3030_3030_3030; // "00000000"

    /// <summary>The eight bytes at <paramref name="at"/>, the first in the low byte; the caller checks that eight are there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Read(ReadOnlySpan<byte> utf8, int at) =>
        Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetReference(utf8), at));

    /// <summary>
    /// The value of the first <paramref name="length"/> bytes of <paramref name="word"/> when they are a canonical
    /// decimal (digits only, no leading zero) of 1 to 7 digits; −1 otherwise (8 digits are left to the caller).
    /// </summary>
    public static int Decimal(ulong word, int length)
    {
        if (length is < 1 or > 7 || (length > 1 && (byte)word == '0'))
        {
            return -1;
        }

        // Move the digits to the end of the word and fill its start with '0's: "0000" + "123" reads as 123.
        ulong digits = (word << (8 * (8 - length))) | (Zeros >> (8 * length));
        if (((digits & 0xF0F0_F0F0_F0F0_F0F0) | (((digits + (Ones * 6)) & 0xF0F0_F0F0_F0F0_F0F0) >> 4)) != Ones * 0x33)
        {
            return -1;
        }

        // Pairs, then fours, then all eight digits, with two multiplications (each byte holds 0–9 after the subtraction).
        digits -= Zeros;
        digits = (digits * 10) + (digits >> 8);
        digits = (((digits & 0x0000_00FF_0000_00FF) * (100 + (1_000_000UL << 32)))
                  + (((digits >> 16) & 0x0000_00FF_0000_00FF) * (1 + (10_000UL << 32)))) >> 32;
        return (int)digits;
    }
}
