namespace Kuzzle.Realtime.Bench.Load;

/// <summary>Counters shared by all connections of a run; updated with Interlocked (a few tens of thousands per second).</summary>
public sealed class RttCounters
{
    public const int PhaseWarmup = 0;
    public const int PhaseMeasure = 1;
    public const int PhaseStop = 2;

    private long _allRoundTrips;
    private long _roundTrips;
    private long _errorAnswers;
    private long _errorFrames;
    private long _closes;
    private long _timeouts;
    private long _connectFailures;
    private int _open;
    private int _attempted;
    private int _phase;

    public LatencyHistogram Latency { get; } = new();

    public int Phase => Volatile.Read(ref _phase);
    public bool Measuring => Phase == PhaseMeasure;
    public bool Stopping => Phase == PhaseStop;

    public long AllRoundTrips => Interlocked.Read(ref _allRoundTrips);
    public long RoundTrips => Interlocked.Read(ref _roundTrips);
    public long ErrorAnswers => Interlocked.Read(ref _errorAnswers);
    public long ErrorFrames => Interlocked.Read(ref _errorFrames);
    public long Closes => Interlocked.Read(ref _closes);
    public long Timeouts => Interlocked.Read(ref _timeouts);
    public long ConnectFailures => Interlocked.Read(ref _connectFailures);
    public long Errors => ErrorAnswers + ErrorFrames + Closes + Timeouts + ConnectFailures;
    public int Open => Volatile.Read(ref _open);
    public int AttemptedConnections => Volatile.Read(ref _attempted);

    public void SetPhase(int phase) => Volatile.Write(ref _phase, phase);

    public void RoundTrip(long micros)
    {
        Interlocked.Increment(ref _allRoundTrips);
        if (Measuring)
        {
            Interlocked.Increment(ref _roundTrips);
            Latency.Record(micros);
        }
    }

    // Errors count in every phase: a failure during warm-up is still a failure of the server under test.
    public void ErrorAnswer() => Interlocked.Increment(ref _errorAnswers);
    public void ErrorFrame() => Interlocked.Increment(ref _errorFrames);
    public void Closed() => Interlocked.Increment(ref _closes);
    public void TimedOut() => Interlocked.Increment(ref _timeouts);
    /// <summary>The first connect error, to explain a run where nothing could connect.</summary>
    public string? FirstConnectError { get; private set; }

    public void ConnectFailed(Exception error)
    {
        if (Interlocked.Increment(ref _connectFailures) == 1)
        {
            FirstConnectError = error.GetBaseException().Message;
        }
    }
    public void Attempted() => Interlocked.Increment(ref _attempted);
    public void Opened() => Interlocked.Increment(ref _open);
    public void Released() => Interlocked.Decrement(ref _open);
}
