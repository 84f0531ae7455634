namespace Kuzzle.Realtime.Koncorde.Matching;

/// <summary>
/// Reader/writer lock for a read-mostly structure. A reader announces itself in a slot owned by its thread
/// (one interlocked exchange on a cache line no other thread writes, a plain store to leave) and never blocks
/// unless a writer is inside; writers (short, serialised) raise a flag, so new readers wait and a writer cannot
/// be starved, then wait until no slot names this lock. A thread already reading (any lock) when it enters
/// again falls back to a shared counter, so nesting stays correct.
/// </summary>
internal sealed class ReadMostlyLock
{
    private static int s_lastId;

    // Identifies this lock in reader slots (an int so that announcing is one inlined exchange, no write barrier).
    private readonly int _id = Interlocked.Increment(ref s_lastId);
    private readonly Lock _writers = new();
    private int _sharedReaders;
    private volatile bool _writer;

    /// <summary>Enters a read; pass the result to <see cref="ExitRead"/>.</summary>
    public ReaderSlot? EnterRead()
    {
        var slot = ReaderSlot.Current;
        if (slot.Reading != 0)
        {
            EnterShared();
            return null;
        }

        while (true)
        {
            // WARNING: announce first (a full fence), then check the flag; the writer raises the flag, fences, then
            // reads the slots. At least one side sees the other.
            Interlocked.Exchange(ref slot.Reading, _id);
            if (!_writer)
            {
                return slot;
            }

            Volatile.Write(ref slot.Reading, 0);
            WaitForWriter();
        }
    }

    /// <param name="slot">what <see cref="EnterRead"/> returned</param>
    public void ExitRead(ReaderSlot? slot)
    {
        if (slot is null)
        {
            Interlocked.Decrement(ref _sharedReaders);
        }
        else
        {
            Volatile.Write(ref slot.Reading, 0);
        }
    }

    public void EnterWrite()
    {
        _writers.Enter();
        _writer = true;
        Interlocked.MemoryBarrier();
        var spinner = default(SpinWait);
        while (Volatile.Read(ref _sharedReaders) != 0)
        {
            spinner.SpinOnce();
        }

        // Slots registered after this read belong to threads that will see the flag.
        foreach (var slot in ReaderSlot.All)
        {
            while (Volatile.Read(ref slot.Reading) == _id)
            {
                spinner.SpinOnce();
            }
        }
    }

    public void ExitWrite()
    {
        _writer = false;
        _writers.Exit();
    }

    private void EnterShared()
    {
        while (true)
        {
            Interlocked.Increment(ref _sharedReaders);
            if (!_writer)
            {
                return;
            }

            Interlocked.Decrement(ref _sharedReaders);
            WaitForWriter();
        }
    }

    private void WaitForWriter()
    {
        var spinner = default(SpinWait);
        while (_writer)
        {
            spinner.SpinOnce();
        }
    }

    /// <summary>
    /// One per live thread that has read: the id of the lock it is reading, or 0. Slots of finished threads are reused
    /// (their owner, referenced only from the thread's static storage, is finalised when the thread ends).
    /// </summary>
    internal sealed class ReaderSlot
    {
        private static readonly Lock Registry = new();
        private static readonly Stack<ReaderSlot> Free = new();

        [ThreadStatic]
        private static Owner? t_owner;

        // Copy-on-write list of every slot ever created; writers scan it.
        private static volatile ReaderSlot[] s_all = [];

        public int Reading;

        // Keeps each slot on its own cache line so readers on different cores do not share one.
#pragma warning disable CS0169 // never read: it only takes room
        private readonly PaddingLine _padding;
#pragma warning restore CS0169

        public static ReaderSlot[] All => s_all;

        public static ReaderSlot Current => t_owner?.Slot ?? Register();

        private static ReaderSlot Register()
        {
            ReaderSlot slot;
            lock (Registry)
            {
                if (!Free.TryPop(out slot!))
                {
                    slot = new ReaderSlot();
                    s_all = [.. s_all, slot];
                }
            }

            t_owner = new Owner(slot);
            return slot;
        }

        private static void Release(ReaderSlot slot)
        {
            lock (Registry)
            {
                slot.Reading = 0;
                Free.Push(slot);
            }
        }

        private sealed class Owner(ReaderSlot slot)
        {
            public ReaderSlot Slot { get; } = slot;

            ~Owner() => Release(Slot);
        }

        [System.Runtime.CompilerServices.InlineArray(15)]
        private struct PaddingLine
        {
            private long _element;
        }
    }
}
