namespace Kuzzle.Realtime.Storage;

/// <summary>Base of every storage failure the server is expected to map to an API error.</summary>
public abstract class StorageException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected StorageException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}

/// <summary>A document-level condition failed; carries which document.</summary>
public abstract class DocumentConditionException : StorageException
{
    /// <summary>Creates the exception.</summary>
    protected DocumentConditionException(string collection, string id, string message)
        : base(message)
    {
        Collection = collection;
        Id = id;
    }

    /// <summary>The collection of the document.</summary>
    public string Collection { get; }

    /// <summary>The id of the document.</summary>
    public string Id { get; }
}

/// <summary>A create targeted an existing document.</summary>
public sealed class DocumentExistsException(string collection, string id)
    : DocumentConditionException(collection, id, $"Document '{id}' already exists in '{collection}'.");

/// <summary>A conditional write targeted a missing document.</summary>
public sealed class DocumentNotFoundException(string collection, string id)
    : DocumentConditionException(collection, id, $"Document '{id}' was not found in '{collection}'.");

/// <summary>A conditional write found another version than expected.</summary>
public sealed class VersionConflictException(string collection, string id, long expectedVersion, long actualVersion)
    : DocumentConditionException(
        collection, id, $"Document '{id}' in '{collection}' is at version {actualVersion}, not {expectedVersion}.")
{
    /// <summary>The version the caller expected.</summary>
    public long ExpectedVersion { get; } = expectedVersion;

    /// <summary>The version found.</summary>
    public long ActualVersion { get; } = actualVersion;
}

/// <summary>The backing store cannot be reached or did not answer in time; the server maps it to "service unavailable".</summary>
public sealed class StorageUnavailableException(string message, Exception? innerException = null)
    : StorageException(message, innerException);
