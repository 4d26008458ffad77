using Parquet.Schema;

namespace Recsys.Data;

internal static class ParquetTypes
{
    /// <summary>Parquet.Net reports string columns as <see cref="ReadOnlyMemory{T}"/> of char when reading a file.</summary>
    public static bool IsText(DataField field) =>
        field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>) || field.ClrType == typeof(ReadOnlyMemory<char>?);
}
