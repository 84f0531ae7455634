namespace Kuzzle.Realtime.Storage;

/// <summary>The one place deciding whether a write may apply to a document at a given version (0 = missing).</summary>
internal static class WriteConditions
{
    public static void Check(WriteOperation operation, long currentVersion)
    {
        if (operation.Kind == WriteKind.Create)
        {
            if (currentVersion > 0)
            {
                throw new DocumentExistsException(operation.Collection, operation.Id);
            }

            return;
        }

        if (operation.ExpectedVersion is not { } expected)
        {
            return;
        }

        if (currentVersion == 0)
        {
            throw new DocumentNotFoundException(operation.Collection, operation.Id);
        }

        if (currentVersion != expected)
        {
            throw new VersionConflictException(operation.Collection, operation.Id, expected, currentVersion);
        }
    }
}
