namespace Recsys.Data;

/// <summary>
/// A problem with the dataset as a whole (empty, unknown format, missing columns, no usable rows). Callers
/// show the message as is and fail the job; it never stands for a bug.
/// </summary>
public sealed class DatasetException : Exception
{
    public DatasetException(string message)
        : base(message)
    {
    }

    public DatasetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DatasetException()
    {
    }
}
