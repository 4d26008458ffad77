namespace Recsys.Data;

/// <summary>Thrift compact protocol type ids (Apache Thrift, compact protocol specification).</summary>
internal static class ThriftCompact
{
    public const int Stop = 0, BoolTrue = 1, BoolFalse = 2, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7;
    public const int Binary = 8, List = 9, Set = 10, Map = 11, Struct = 12, Uuid = 13;
}

/// <summary>The declared type of one field: its wire type, a list's element, a nested struct's fields.</summary>
internal sealed record FieldShape(int Type, FieldShape? Element = null, StructShape? Struct = null)
{
    public bool Matches(int wireType) =>
        Type == ThriftCompact.BoolTrue ? wireType is ThriftCompact.BoolTrue or ThriftCompact.BoolFalse : wireType == Type;
}

/// <summary>A struct's known fields by id; unknown ids are skipped by their wire type, as readers must.</summary>
internal sealed class StructShape(Func<IReadOnlyDictionary<long, FieldShape>> fields)
{
    private readonly Lazy<IReadOnlyDictionary<long, FieldShape>> _fields = new(fields);

    public FieldShape? Field(long id) => _fields.Value.GetValueOrDefault(id);
}

/// <summary>
/// The footer structs the Parquet library reads field by field, with the field ids and types of the Parquet
/// format's <c>parquet.thrift</c> (FileMetaData, SchemaElement, RowGroup, ColumnChunk, ColumnMetaData and the
/// structs they hold). Enums are i32 on the wire; strings are binary.
/// </summary>
internal static class ParquetFooterShapes
{
    private static readonly FieldShape Bool = new(ThriftCompact.BoolTrue);
    private static readonly FieldShape I8 = new(ThriftCompact.Byte);
    private static readonly FieldShape I16 = new(ThriftCompact.I16);
    private static readonly FieldShape I32 = new(ThriftCompact.I32);
    private static readonly FieldShape I64 = new(ThriftCompact.I64);
    private static readonly FieldShape Binary = new(ThriftCompact.Binary);

    public static StructShape FileMetaData { get; } = new(() => new Dictionary<long, FieldShape>
    {
        [1] = I32, [2] = ListOf(Struct(SchemaElement)), [3] = I64, [4] = ListOf(Struct(RowGroup)), [5] = ListOf(Struct(KeyValue)),
        [6] = Binary, [7] = ListOf(Struct(null)), [8] = Struct(null), [9] = Binary,
    });

    private static StructShape SchemaElement { get; } = new(() => new Dictionary<long, FieldShape>
    {
        [1] = I32, [2] = I32, [3] = I32, [4] = Binary, [5] = I32, [6] = I32, [7] = I32, [8] = I32, [9] = I32, [10] = Struct(LogicalType), [11] = I32,
    });

    private static StructShape LogicalType { get; } = new(() => Enumerable.Range(1, 19).ToDictionary(i => (long)i, i => i switch
    {
        5 => Struct(Decimal),
        7 or 8 => Struct(TimeOrTimestamp),
        10 => Struct(Integer),
        _ => Struct(null),
    }));

    private static StructShape Decimal { get; } = new(() => new Dictionary<long, FieldShape> { [1] = I32, [2] = I32 });

    private static StructShape TimeOrTimestamp { get; } = new(() => new Dictionary<long, FieldShape> { [1] = Bool, [2] = Struct(null) });

    private static StructShape Integer { get; } = new(() => new Dictionary<long, FieldShape> { [1] = I8, [2] = Bool });

    private static StructShape RowGroup { get; } = new(() => new Dictionary<long, FieldShape>
    {
        [1] = ListOf(Struct(ColumnChunk)), [2] = I64, [3] = I64, [4] = ListOf(Struct(SortingColumn)), [5] = I64, [6] = I64, [7] = I16,
    });

    private static StructShape SortingColumn { get; } = new(() => new Dictionary<long, FieldShape> { [1] = I32, [2] = Bool, [3] = Bool });

    private static StructShape ColumnChunk { get; } = new(() => new Dictionary<long, FieldShape>
    {
        [1] = Binary, [2] = I64, [3] = Struct(ColumnMetaData), [4] = I64, [5] = I32, [6] = I64, [7] = I32, [8] = Struct(null), [9] = Binary,
    });

    private static StructShape ColumnMetaData { get; } = new(() => new Dictionary<long, FieldShape>
    {
        [1] = I32, [2] = ListOf(I32), [3] = ListOf(Binary), [4] = I32, [5] = I64, [6] = I64, [7] = I64, [8] = ListOf(Struct(KeyValue)),
        [9] = I64, [10] = I64, [11] = I64, [12] = Struct(Statistics), [13] = ListOf(Struct(PageEncodingStats)), [14] = I64, [15] = I32,
        [16] = Struct(SizeStatistics), [17] = Struct(null),
    });

    private static StructShape Statistics { get; } = new(() => new Dictionary<long, FieldShape>
    {
        [1] = Binary, [2] = Binary, [3] = I64, [4] = I64, [5] = Binary, [6] = Binary, [7] = Bool, [8] = Bool, [9] = I64,
    });

    private static StructShape SizeStatistics { get; } = new(() => new Dictionary<long, FieldShape> { [1] = I64, [2] = ListOf(I64), [3] = ListOf(I64) });

    private static StructShape PageEncodingStats { get; } = new(() => new Dictionary<long, FieldShape> { [1] = I32, [2] = I32, [3] = I32 });

    private static StructShape KeyValue { get; } = new(() => new Dictionary<long, FieldShape> { [1] = Binary, [2] = Binary });

    private static FieldShape ListOf(FieldShape element) => new(ThriftCompact.List, Element: element);

    private static FieldShape Struct(StructShape? shape) => new(ThriftCompact.Struct, Struct: shape);
}
