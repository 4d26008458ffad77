namespace Recsys.Data;

/// <summary>Where the interaction fields sit in a delimited file (0-based; -1 when absent).</summary>
internal sealed record InteractionColumns(int User, int Item, int Rating = -1, int Timestamp = -1)
{
    public int RequiredFields => Math.Max(Math.Max(User, Item), Math.Max(Rating, Timestamp)) + 1;
}
