namespace Recsys.Pipeline;

/// <summary>A dataset file by that name was dropped before; drops are never overwritten.</summary>
public sealed class DatasetExistsException(string dataset, string file, Exception? innerException = null)
    : RefusalException($"datasets/{dataset}/{file} was dropped before; datasets are never overwritten.", innerException);

/// <summary>A dataset file over the upload limit (checked against the declared length and again while reading).</summary>
public sealed class DatasetTooLargeException(long limit) : RefusalException($"The limit is {limit} bytes.")
{
    public long Limit { get; } = limit;
}
