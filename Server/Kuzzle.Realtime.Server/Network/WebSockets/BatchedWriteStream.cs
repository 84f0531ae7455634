using System.Buffers;
using Microsoft.AspNetCore.Http.Features;

namespace Kuzzle.Realtime.Server.Network.WebSockets;

/// <summary>
/// The upgraded connection's stream with batched writes: while a batch is open, what the WebSocket writes (frames, and the pongs and
/// close frame it sends on its own) is appended to one pooled buffer, and <see cref="FlushBatchAsync"/> hands it to the transport in
/// one write and one flush. Outside a batch, writes go straight through. An idle socket holds no buffer.
/// </summary>
/// <remarks>
/// Every write to the transport happens under one gate, so bytes reach it in the order they were written: a pong written while a batch
/// is being flushed waits for that flush, and one written while a batch is open joins the batch.
/// </remarks>
public sealed class BatchedWriteStream(Stream inner) : Stream
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _lock = new();
    private byte[]? _batch;
    private int _batched;
    private bool _open;

    /// <summary>Opens a batch: writes are buffered until <see cref="FlushBatchAsync"/>. Only the connection's sender calls this.</summary>
    public void BeginBatch()
    {
        lock (_lock)
        {
            _open = true;
        }
    }

    /// <summary>Bytes buffered in the open batch.</summary>
    public int BatchedBytes
    {
        get
        {
            lock (_lock)
            {
                return _batched;
            }
        }
    }

    /// <summary>Closes the batch and writes it to the transport in one write (then flush), waiting while the peer does not read.</summary>
    public async Task FlushBatchAsync(CancellationToken cancellationToken)
    {
        byte[]? batch = null;
        var length = 0;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            lock (_lock)
            {
                _open = false;
                (batch, length, _batch, _batched) = (_batch, _batched, null, 0);
            }

            if (length > 0)
            {
                await inner.WriteAsync(batch.AsMemory(0, length), cancellationToken);
            }
        }
        finally
        {
            if (batch is not null)
            {
                ArrayPool<byte>.Shared.Return(batch);
            }

            _gate.Release();
        }
    }

    /// <inheritdoc />
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        TryAppend(buffer.Span) ? ValueTask.CompletedTask : WriteThroughAsync(buffer, cancellationToken);

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) =>
        // Nothing is held outside a batch, and a batch is flushed by its owner.
        Task.CompletedTask;

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("The WebSocket reads asynchronously.");

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The WebSocket writes asynchronously.");

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            lock (_lock)
            {
                _open = false;
                if (_batch is not null)
                {
                    ArrayPool<byte>.Shared.Return(_batch);
                    (_batch, _batched) = (null, 0);
                }
            }
        }

        base.Dispose(disposing);
    }

    private bool TryAppend(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            if (!_open)
            {
                return false;
            }

            var needed = _batched + bytes.Length;
            if (_batch is null || needed > _batch.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(4096, (_batch?.Length ?? 0) * 2)));
                if (_batch is not null)
                {
                    _batch.AsSpan(0, _batched).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(_batch);
                }

                _batch = bigger;
            }

            bytes.CopyTo(_batch.AsSpan(_batched));
            _batched = needed;
            return true;
        }
    }

    private async ValueTask WriteThroughAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // A batch may have opened while we waited: join it, so nothing overtakes what it already holds.
            if (!TryAppend(buffer.Span))
            {
                await inner.WriteAsync(buffer, cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>
/// Wraps the server's upgrade feature so that the WebSocket is created over a <see cref="BatchedWriteStream"/>; installed before
/// the WebSocket middleware, which takes the upgrade feature from the request.
/// </summary>
public sealed class BatchedUpgradeFeature(IHttpUpgradeFeature inner) : IHttpUpgradeFeature
{
    /// <summary>The stream handed to the WebSocket, once upgraded.</summary>
    public BatchedWriteStream? Stream { get; private set; }

    /// <inheritdoc />
    public bool IsUpgradableRequest => inner.IsUpgradableRequest;

    /// <inheritdoc />
    public async Task<Stream> UpgradeAsync()
    {
        Stream = new BatchedWriteStream(await inner.UpgradeAsync());
        return Stream;
    }
}
