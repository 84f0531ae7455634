namespace Kuzzle.Realtime.Koncorde.Matching;

/// <summary>
/// Reader/writer lock for a read-mostly structure: a reader costs two interlocked operations and never
/// blocks unless a writer is inside; writers (short, serialised) announce themselves, so new readers wait
/// and a writer cannot be starved. Not reentrant.
/// </summary>
internal sealed class ReadMostlyLock
{
    private readonly Lock _writers = new();
    private int _readers;
    private volatile bool _writer;

    public void EnterRead()
    {
        while (true)
        {
            if (!_writer)
            {
                // WARNING: increment first, then re-check the flag; the writer sets the flag, then checks the
                // count. Both are full fences, so at least one side sees the other.
                Interlocked.Increment(ref _readers);
                if (!_writer)
                {
                    return;
                }

                Interlocked.Decrement(ref _readers);
            }

            var spinner = default(SpinWait);
            while (_writer)
            {
                spinner.SpinOnce();
            }
        }
    }

    public void ExitRead() => Interlocked.Decrement(ref _readers);

    public void EnterWrite()
    {
        _writers.Enter();
        _writer = true;
        Interlocked.MemoryBarrier();
        var spinner = default(SpinWait);
        while (Volatile.Read(ref _readers) != 0)
        {
            spinner.SpinOnce();
        }
    }

    public void ExitWrite()
    {
        _writer = false;
        _writers.Exit();
    }
}
