namespace Recsys.Data;

/// <summary>Side information about one item: title, genres and free-text tags.</summary>
internal sealed class ItemInfo
{
    public string? Title { get; set; }

    public IReadOnlyList<string> Genres { get; set; } = [];

    public List<string> Tags { get; } = [];
}
