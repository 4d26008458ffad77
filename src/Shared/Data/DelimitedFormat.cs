namespace Recsys.Data;

/// <summary>How a delimited text file is laid out.</summary>
internal sealed record DelimitedFormat(string Separator, bool HasHeader, bool Quoting)
{
    public static readonly DelimitedFormat MovieLens100K = new("\t", HasHeader: false, Quoting: false);
    public static readonly DelimitedFormat MovieLensDat = new("::", HasHeader: false, Quoting: false);
    public static readonly DelimitedFormat MovieLensCsv = new(",", HasHeader: true, Quoting: true);

    public string SeparatorName => Separator switch
    {
        "\t" => "tab",
        "," => "comma",
        "::" => "double-colon",
        ";" => "semicolon",
        "|" => "pipe",
        _ => Separator,
    };
}
