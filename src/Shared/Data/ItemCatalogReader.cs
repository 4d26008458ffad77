using System.Text;
using System.Text.Unicode;

namespace Recsys.Data;

/// <summary>Reads item metadata files into a catalogue keyed by item id; the catalogue is vocabulary-sized.</summary>
internal sealed class ItemCatalogReader
{
    private readonly Dictionary<string, ItemInfo> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _userTags = new(StringComparer.Ordinal);
    private readonly Action<string, long, RejectReason, ReadOnlySpan<byte>> _reject;
    private readonly int _maxLineBytes;

    public ItemCatalogReader(int maxLineBytes, Action<string, long, RejectReason, ReadOnlySpan<byte>> reject)
    {
        _maxLineBytes = maxLineBytes;
        _reject = reject;
    }

    public IReadOnlyDictionary<string, ItemInfo> Items => _items;

    /// <summary>The tags each user wrote (MovieLens tag files), by user id, each tag once, in file order.</summary>
    public IReadOnlyDictionary<string, List<string>> UserTags => _userTags;

    /// <summary>MovieLens 100K <c>u.item</c>: latin-1, <c>|</c>-separated, 19 genre flags after five fields.</summary>
    public void ReadMovieLens100KItems(string path, IReadOnlyList<string> genreNames)
    {
        ReadLines(path, new DelimitedLine("|", quoting: false), hasHeader: false, minFields: 5, (fields, line) =>
        {
            ItemInfo info = Get(Decode(fields.Field(line, 0)));
            info.Title = Decode(fields.Field(line, 1));
            var genres = new List<string>();
            for (int g = 0; g < genreNames.Count && 5 + g < fields.Count; g++)
            {
                if (fields.Field(line, 5 + g).SequenceEqual("1"u8))
                {
                    genres.Add(genreNames[g]);
                }
            }

            info.Genres = genres;
        });
    }

    /// <summary>MovieLens 100K <c>u.genre</c>: <c>name|index</c> lines.</summary>
    public static IReadOnlyList<string> ReadMovieLens100KGenres(string path)
    {
        var byIndex = new SortedDictionary<int, string>();
        foreach (string line in File.ReadLines(path, Encoding.Latin1))
        {
            string[] parts = line.Split('|');
            if (parts.Length == 2 && int.TryParse(parts[1], out int index))
            {
                byIndex[index] = parts[0];
            }
        }

        return [.. byIndex.Values];
    }

    /// <summary>MovieLens <c>movies.dat</c> / <c>movies.csv</c>: id, title, <c>|</c>-separated genres.</summary>
    public void ReadMovies(string path, DelimitedFormat format)
    {
        ReadLines(path, new DelimitedLine(format.Separator, format.Quoting), format.HasHeader, minFields: 3, (fields, line) =>
        {
            ItemInfo info = Get(Decode(fields.Field(line, 0)));
            info.Title = Decode(fields.Field(line, 1));
            info.Genres = SplitGenres(Decode(fields.Field(line, 2)));
        });
    }

    /// <summary>MovieLens <c>tags.dat</c> / <c>tags.csv</c>: user, item, tag, timestamp.</summary>
    public void ReadTags(string path, DelimitedFormat format)
    {
        ReadLines(path, new DelimitedLine(format.Separator, format.Quoting), format.HasHeader, minFields: 3, (fields, line) =>
        {
            string tag = Decode(fields.Field(line, 2)).Trim();
            ItemInfo info = Get(Decode(fields.Field(line, 1)));
            if (tag.Length == 0)
            {
                return;
            }

            if (!info.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase))
            {
                info.Tags.Add(tag);
            }

            string user = Decode(fields.Field(line, 0)).Trim();
            if (!_userTags.TryGetValue(user, out List<string>? written))
            {
                _userTags[user] = written = [];
            }

            if (!written.Contains(tag, StringComparer.OrdinalIgnoreCase))
            {
                written.Add(tag);
            }
        });
    }

    /// <summary>A generic items file with a header: an id column plus optional title, genres and text.</summary>
    public void ReadGeneric(string path, string? itemColumn)
    {
        string firstLine = File.ReadLines(path).FirstOrDefault() ?? throw new DatasetException($"The items file '{Path.GetFileName(path)}' is empty.");
        DelimitedFormat format = FormatDetector.DetectDelimited(firstLine) with { HasHeader = true };
        var header = new DelimitedLine(format.Separator, format.Quoting);
        byte[] headerBytes = Encoding.UTF8.GetBytes(firstLine);
        header.Split(headerBytes);
        var names = Enumerable.Range(0, header.Count).Select(i => Encoding.UTF8.GetString(header.Field(headerBytes, i)).Trim()).ToList();
        int Find(params string?[] candidates) =>
            candidates.Where(c => c is not null).Select(c => names.FindIndex(n => n.Equals(c, StringComparison.OrdinalIgnoreCase))).FirstOrDefault(i => i >= 0, -1);

        int id = Find(itemColumn, "item", "itemid", "item_id", "id", "movieid", "productid", "artistid");
        if (id < 0)
        {
            throw new DatasetException($"The items file '{Path.GetFileName(path)}' has no item id column; its columns are [{string.Join(", ", names)}].");
        }

        int title = Find("title", "name");
        int genres = Find("genres", "genre", "categories", "category");
        int text = Find("tags", "tag", "text", "description");
        ReadLines(path, new DelimitedLine(format.Separator, format.Quoting), hasHeader: true, minFields: id + 1, (fields, line) =>
        {
            ItemInfo info = Get(Decode(fields.Field(line, id)));
            if (title >= 0 && title < fields.Count) { info.Title = Decode(fields.Field(line, title)); }
            if (genres >= 0 && genres < fields.Count) { info.Genres = SplitGenres(Decode(fields.Field(line, genres))); }
            if (text >= 0 && text < fields.Count && Decode(fields.Field(line, text)).Trim() is { Length: > 0 } t) { info.Tags.Add(t); }
        });
    }

    private ItemInfo Get(string id)
    {
        id = id.Trim();
        if (!_items.TryGetValue(id, out ItemInfo? info))
        {
            info = new ItemInfo();
            _items.Add(id, info);
        }

        return info;
    }

    private static string[] SplitGenres(string genres) =>
        genres.Trim() is "" or "(no genres listed)"
            ? []
            : genres.Split(['|', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    // Metadata files mix encodings across MovieLens releases (100K and 1M are latin-1, later ones UTF-8).
    private static string Decode(ReadOnlySpan<byte> bytes) =>
        Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Encoding.Latin1.GetString(bytes);

    private delegate void LineHandler(DelimitedLine fields, ReadOnlySpan<byte> line);

    private void ReadLines(string path, DelimitedLine fields, bool hasHeader, int minFields, LineHandler handle)
    {
        string name = Path.GetFileName(path);
        using var stream = File.OpenRead(path);
        using var reader = new LineReader(stream, _maxLineBytes);
        while (reader.TryReadLine(out ReadOnlySpan<byte> line, out bool oversized))
        {
            if (hasHeader && reader.LineNumber == 1)
            {
                continue;
            }

            if (oversized)
            {
                _reject(name, reader.LineNumber, RejectReason.LineTooLong, line);
            }
            else if (line.IsEmpty)
            {
                continue;
            }
            else if (!fields.Split(line))
            {
                _reject(name, reader.LineNumber, RejectReason.UnterminatedQuote, line);
            }
            else if (fields.Count < minFields)
            {
                _reject(name, reader.LineNumber, RejectReason.MissingField, line);
            }
            else if (fields.Field(line, 0).Trim((byte)' ').IsEmpty)
            {
                _reject(name, reader.LineNumber, RejectReason.EmptyId, line);
            }
            else
            {
                handle(fields, line);
            }
        }
    }
}
