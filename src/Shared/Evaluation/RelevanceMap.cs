namespace Recsys.Evaluation;

/// <summary>
/// The relevant items of one user with their grades (1 for binary relevance), over the whole catalogue for
/// O(1) lookups. Reused from user to user: <see cref="Set"/> clears only what the previous user touched.
/// </summary>
public sealed class RelevanceMap
{
    private readonly float[] _grades;
    private readonly List<int> _items = [];
    private float[] _sortedGrades = [];

    public RelevanceMap(int catalogueSize)
    {
        _grades = new float[catalogueSize];
    }

    /// <summary>Number of relevant items.</summary>
    public int Count => _items.Count;

    public IReadOnlyList<int> Items => _items;

    /// <summary>Grades in descending order, for the ideal DCG.</summary>
    public ReadOnlySpan<float> SortedGrades => _sortedGrades.AsSpan(0, _items.Count);

    public float this[int item] => _grades[item];

    public void Set(ReadOnlySpan<int> items, ReadOnlySpan<float> grades)
    {
        foreach (int item in _items)
        {
            _grades[item] = 0;
        }

        _items.Clear();
        if (_sortedGrades.Length < items.Length)
        {
            _sortedGrades = new float[items.Length * 2];
        }

        for (int i = 0; i < items.Length; i++)
        {
            if (grades[i] > 0 && _grades[items[i]] == 0)
            {
                _grades[items[i]] = grades[i];
                _sortedGrades[_items.Count] = grades[i];
                _items.Add(items[i]);
            }
        }

        _sortedGrades.AsSpan(0, _items.Count).Sort((a, b) => b.CompareTo(a));
    }
}
