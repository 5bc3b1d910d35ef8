using System.Globalization;
using System.Runtime.Intrinsics;
using TorchSharp;

namespace LossConformance.Benchmarks;

/// <summary>What the numbers were measured on: printed first and written into the table's header.</summary>
internal static class Machine
{
    public static string Describe()
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        string load = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
        string thp = File.Exists("/sys/kernel/mm/transparent_hugepage/enabled") ? File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled").Trim() : "?";
        return $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; {cpu}, {Environment.ProcessorCount} cores; load average {load} at the start; "
            + $"{Environment.Version} (.NET), Vector256 {(Vector256.IsHardwareAccelerated ? "accelerated" : "not accelerated")}, Vector512 {(Vector512.IsHardwareAccelerated ? "accelerated" : "not accelerated")}; "
            + $"transparent huge pages: {thp}; libtorch threads {torch.get_num_threads()}, THP_MEM_ALLOC_ENABLE={Environment.GetEnvironmentVariable("THP_MEM_ALLOC_ENABLE") ?? "1 (set by TorchRuntime)"}";
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";
}
