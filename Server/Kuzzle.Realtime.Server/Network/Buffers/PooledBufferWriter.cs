using System.Buffers;

namespace Kuzzle.Realtime.Server.Network.Buffers;

/// <summary>An <see cref="IBufferWriter{T}"/> over arrays rented from the shared pool; <see cref="Detach"/> hands the array on.</summary>
public sealed class PooledBufferWriter : IBufferWriter<byte>
{
    private byte[] _buffer;
    private int _written;

    /// <summary>Creates a writer with an initial capacity.</summary>
    public PooledBufferWriter(int initialCapacity = 512) => _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);

    /// <summary>Bytes written so far.</summary>
    public int WrittenCount => _written;

    /// <summary>The written bytes.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _written);

    /// <inheritdoc />
    public void Advance(int count) => _written += count;

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>Gives the rented array and its length to the caller, who must return it to the pool; the writer starts over.</summary>
    public OutboundFrame Detach(int nextCapacity = 512)
    {
        var frame = new OutboundFrame(_buffer, _written);
        _buffer = ArrayPool<byte>.Shared.Rent(nextCapacity);
        _written = 0;
        return frame;
    }

    /// <summary>Forgets what was written, keeping the array.</summary>
    public void Reset() => _written = 0;

    private void Ensure(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
        _buffer.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}

/// <summary>
/// A serialized frame. A pooled frame owns a rented array that <see cref="Release"/> returns exactly once; a shared frame (one
/// notification sent to many sockets) is a plain array that every recipient may hold, and releasing it does nothing.
/// </summary>
/// <param name="Array">The bytes (a rented array may be longer than <paramref name="Length"/>).</param>
/// <param name="Length">Bytes of the frame.</param>
/// <param name="IsShared">True for a frame sent to several sockets: not pooled.</param>
public readonly record struct OutboundFrame(byte[] Array, int Length, bool IsShared = false)
{
    /// <summary>The frame bytes.</summary>
    public ReadOnlyMemory<byte> Memory => Array.AsMemory(0, Length);

    /// <summary>Returns a pooled array to the pool.</summary>
    public void Release()
    {
        if (!IsShared)
        {
            ArrayPool<byte>.Shared.Return(Array);
        }
    }

    /// <summary>A frame many sockets can send at once.</summary>
    public static OutboundFrame Shared(byte[] bytes) => new(bytes, bytes.Length, IsShared: true);

    /// <summary>A frame holding a copy of constant bytes.</summary>
    public static OutboundFrame Copy(ReadOnlySpan<byte> bytes)
    {
        var array = ArrayPool<byte>.Shared.Rent(bytes.Length);
        bytes.CopyTo(array);
        return new OutboundFrame(array, bytes.Length);
    }
}
