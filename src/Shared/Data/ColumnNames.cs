namespace Recsys.Data;

/// <summary>
/// A user's column mapping (<c>user=userID,item=artistID,rating=weight</c>): header names, or 0-based
/// positions. Unmapped roles fall back to common header names.
/// </summary>
internal sealed record ColumnNames(string? User = null, string? Item = null, string? Rating = null, string? Timestamp = null)
{
    private static readonly string[] s_userNames = ["user", "userid", "user_id", "uid", "customerid", "customer_id"];
    private static readonly string[] s_itemNames = ["item", "itemid", "item_id", "iid", "movieid", "movie_id", "productid", "product_id", "artistid", "artist_id"];
    private static readonly string[] s_ratingNames = ["rating", "score", "weight", "value", "label"];
    private static readonly string[] s_timestampNames = ["timestamp", "time", "ts", "datetime", "date", "event_time"];

    public bool IsPositional =>
        new[] { User, Item, Rating, Timestamp }.Where(n => n is not null).All(n => int.TryParse(n, out _)) && User is not null;

    public static ColumnNames Parse(string? mapping)
    {
        if (string.IsNullOrWhiteSpace(mapping))
        {
            return new ColumnNames();
        }

        var names = new ColumnNames();
        foreach (string pair in mapping.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == pair.Length - 1)
            {
                throw new DatasetException($"--columns: '{pair}' is not role=column (roles: user, item, rating, timestamp).");
            }

            string role = pair[..eq].Trim().ToLowerInvariant();
            string column = pair[(eq + 1)..].Trim();
            names = role switch
            {
                "user" => names with { User = column },
                "item" => names with { Item = column },
                "rating" => names with { Rating = column },
                "timestamp" => names with { Timestamp = column },
                _ => throw new DatasetException($"--columns: unknown role '{role}' (roles: user, item, rating, timestamp)."),
            };
        }

        return names;
    }

    /// <summary>Finds each role's column in a header; a role the user named must exist.</summary>
    public ColumnResolution Resolve(IReadOnlyList<string> header, string fileName)
    {
        if (IsPositional)
        {
            int Position(string? n, string role)
            {
                if (n is null)
                {
                    return -1;
                }

                int at = int.Parse(n, System.Globalization.CultureInfo.InvariantCulture);
                return at >= 0 && at < header.Count
                    ? at
                    : throw new DatasetException($"--columns: {role}={n}, but '{fileName}' has {header.Count} column{(header.Count == 1 ? "" : "s")} (positions 0 to {header.Count - 1}) on its first line.");
            }

            return new ColumnResolution(
                new InteractionColumns(Position(User, "user"), Position(Item, "item"), Position(Rating, "rating"), Position(Timestamp, "timestamp")), HeaderMatched: false);
        }

        int Find(string? named, string[] fallbacks, string role, bool required)
        {
            if (named is not null)
            {
                int at = IndexOf(header, named);
                return at >= 0 ? at : throw MissingColumns(header, fileName, $"no column '{named}' for {role}");
            }

            foreach (string candidate in fallbacks)
            {
                int at = IndexOf(header, candidate);
                if (at >= 0)
                {
                    return at;
                }
            }

            return required ? throw MissingColumns(header, fileName, $"no {role} column") : -1;
        }

        var columns = new InteractionColumns(
            Find(User, s_userNames, "user", required: true),
            Find(Item, s_itemNames, "item", required: true),
            Find(Rating, s_ratingNames, "rating", required: false),
            Find(Timestamp, s_timestampNames, "timestamp", required: false));
        return new ColumnResolution(columns, HeaderMatched: true);
    }

    public string Describe() =>
        string.Join(',', new[] { ("user", User), ("item", Item), ("rating", Rating), ("timestamp", Timestamp) }
            .Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={p.Item2}"));

    private static int IndexOf(IReadOnlyList<string> header, string name)
    {
        for (int i = 0; i < header.Count; i++)
        {
            if (string.Equals(header[i].Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static DatasetException MissingColumns(IReadOnlyList<string> header, string fileName, string problem)
    {
        if (header.Count >= 2 && header.All(f => double.TryParse(f, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)))
        {
            // A first line of numbers is data, not a header: say so, and give the positional form that reads it.
            string[] roles = ["user", "item", "rating", "timestamp"];
            string positional = string.Join(',', roles.Take(Math.Min(header.Count, roles.Length)).Select((role, i) => $"{role}={i}"));
            return new($"'{fileName}' looks headerless: its first line [{string.Join(", ", header)}] is all numbers. " +
                $"Map its columns by 0-based position, e.g. --columns {positional}.");
        }

        return new($"Missing columns in '{fileName}': {problem}. Its columns are [{string.Join(", ", header)}]; " +
            "map them with --columns user=<col>,item=<col>[,rating=<col>][,timestamp=<col>].");
    }
}

internal sealed record ColumnResolution(InteractionColumns Columns, bool HeaderMatched);
