using Kuzzle.Realtime.Protocol.Errors;

namespace Kuzzle.Realtime.Server.Api;

/// <summary>
/// Kuzzle's <c>limits.concurrentRequests</c> / <c>requestsBufferSize</c>: at most N requests execute at once, the next ones wait in FIFO
/// order, and once the buffer is full new requests are refused with 503 <c>api.process.overloaded</c>.
/// </summary>
public sealed class RequestGate : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly int _bufferSize;
    private readonly int _warningThreshold;
    private int _pending;
    private int _executing;

    /// <summary>Creates a gate.</summary>
    public RequestGate(int concurrentRequests, int bufferSize, int warningThreshold = int.MaxValue)
    {
        _slots = new SemaphoreSlim(concurrentRequests, concurrentRequests);
        _bufferSize = bufferSize;
        _warningThreshold = warningThreshold;
    }

    /// <summary>Raised when the waiting line reaches <c>requestsBufferWarningThreshold</c> (Kuzzle's <c>core:overload</c>), with its length.</summary>
    public event Action<int>? Overloaded;

    /// <summary>Requests executing now.</summary>
    public int Executing => Volatile.Read(ref _executing);

    /// <summary>Requests waiting for a slot.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>True when no request waits (readiness).</summary>
    public bool IsOverloaded => Pending >= _bufferSize;

    /// <summary>Takes a slot, waiting in line if needed. Throws <c>api.process.overloaded</c> when the line is full.</summary>
    public ValueTask EnterAsync(CancellationToken cancellationToken)
    {
        if (_slots.Wait(0, CancellationToken.None))
        {
            Interlocked.Increment(ref _executing);
            return ValueTask.CompletedTask;
        }

        return WaitAsync(cancellationToken);
    }

    /// <summary>Gives the slot back.</summary>
    public void Exit()
    {
        Interlocked.Decrement(ref _executing);
        _slots.Release();
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();

    private async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        var pending = Interlocked.Increment(ref _pending);
        if (pending > _bufferSize)
        {
            Interlocked.Decrement(ref _pending);
            throw KuzzleErrors.Api.Process.Overloaded.Create();
        }

        if (pending == _warningThreshold)
        {
            Overloaded?.Invoke(pending);
        }

        try
        {
            await _slots.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }

        Interlocked.Increment(ref _executing);
    }
}
