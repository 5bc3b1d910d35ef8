namespace LossConformance.Optimized.Cpu.Threading;

/// <summary>A unit of parallel work: items 0 … count − 1, each independent of which thread runs it.</summary>
internal interface IParallelWork
{
    void Run(int item);
}

/// <summary>
/// A small persistent pool (Environment.ProcessorCount − 1 background threads, started on first
/// use) so that a parallel call allocates nothing: no closures, no tasks. One parallel call runs at
/// a time (<see cref="Gate"/>); its items are claimed by an atomic counter, so which thread runs an
/// item varies, and kernels must (and do) make each item's result independent of that and combine
/// items in a fixed order afterwards.
/// </summary>
internal sealed class WorkerPool
{
    public static readonly WorkerPool Shared = new(Math.Max(0, Environment.ProcessorCount - 1));

    /// <summary>Held by the caller while it fills a work object and calls <see cref="RunLocked"/>.</summary>
    public readonly Lock Gate = new();

    private readonly int _workerCount;
    private readonly ManualResetEventSlim[] _start;
    private readonly ManualResetEventSlim _done = new(false);
    private readonly Lock _startGate = new();
    private bool _started;
    private IParallelWork? _work;
    private int _count;
    private int _next;
    private int _pending;
    private Exception? _failure;

    private WorkerPool(int workers)
    {
        _workerCount = workers;
        _start = new ManualResetEventSlim[workers];
        for (int i = 0; i < workers; i++) _start[i] = new ManualResetEventSlim(false);
    }

    /// <summary>Threads a call may use at most: the workers plus the caller.</summary>
    public int MaxThreads => _workerCount + 1;

    /// <summary>Runs work.Run(0 … count − 1) on up to <paramref name="threads"/> threads (the caller included). Call with <see cref="Gate"/> held.</summary>
    public void RunLocked(IParallelWork work, int count, int threads)
    {
        int helpers = Math.Min(Math.Min(threads, count) - 1, _workerCount);
        if (helpers <= 0)
        {
            for (int i = 0; i < count; i++) work.Run(i);
            return;
        }
        EnsureStarted();
        _work = work;
        _count = count;
        _next = -1;
        _failure = null;
        _pending = helpers;
        _done.Reset();
        for (int w = 0; w < helpers; w++) _start[w].Set();
        Drain();
        _done.Wait();
        _work = null;
        if (_failure is { } failure) throw new AggregateException(failure);
    }

    private void Drain()
    {
        IParallelWork work = _work!;
        int i;
        while ((i = Interlocked.Increment(ref _next)) < _count)
        {
            try { work.Run(i); }
            catch (Exception e) { Interlocked.CompareExchange(ref _failure, e, null); }
        }
    }

    private void EnsureStarted()
    {
        lock (_startGate)
        {
            if (_started) return;
            for (int w = 0; w < _workerCount; w++)
            {
                int index = w;
                var thread = new Thread(() => WorkerLoop(index)) { IsBackground = true, Name = $"Optimized-CPU worker {index}" };
                thread.Start();
            }
            _started = true;
        }
    }

    private void WorkerLoop(int index)
    {
        ManualResetEventSlim start = _start[index];
        while (true)
        {
            start.Wait();
            start.Reset();
            Drain();
            if (Interlocked.Decrement(ref _pending) == 0) _done.Set();
        }
    }
}
