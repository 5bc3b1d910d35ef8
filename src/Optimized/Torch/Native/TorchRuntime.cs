using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using TorchSharp;

namespace LossConformance.Optimized.Torch.Native;

/// <summary>
/// Makes TorchSharp's native library loadable before the first torch call, and says clearly why
/// when it cannot. Call <see cref="EnsureLoaded"/> first; it is idempotent and thread-safe.
/// <para>
/// The problem it solves: TorchSharp 0.107's libLibTorchSharp.so needs GLIBCXX_3.4.32 from
/// libstdc++.so.6 (GCC 13), which Debian 12's libstdc++ (GCC 12) lacks, so the load fails and
/// TorchSharp's fallback copies ~480 MB of libtorch into the build output before failing too. The
/// only symbol bound to that version, <c>std::ios_base_library_init</c>, is never called. Where —
/// and only where — the system libstdc++ lacks that version, this class writes a copy of the library
/// with that one version requirement marked weak (VER_FLG_WEAK), into a cache folder outside the
/// NuGet cache and the source tree, preloads libtorch.so from the original folder (the copy looks
/// for its dependencies beside itself), and hands the copy to TorchSharp's DllImports.
/// </para>
/// </summary>
public static class TorchRuntime
{
    /// <summary>Overrides the cache folder of the patched copy (default $XDG_CACHE_HOME or ~/.cache, then loss-conformance/torchsharp).</summary>
    public const string CacheVariable = "CONFORMANCE_NATIVE_CACHE";

    /// <summary>The versions that are known to be safe to weaken: their only symbol is never called.</summary>
    private static readonly string[] WeakenableVersions = ["GLIBCXX_3.4.32"];

    private const string NativeName = "LibTorchSharp";
    private const string NativeFile = "libLibTorchSharp.so";

    private static readonly Lazy<LoadReport> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>What was done to load the native library (empty patch list: loaded as shipped).</summary>
    public sealed record LoadReport(string? Original, string? PatchedCopy, IReadOnlyList<string> WeakenedVersions, string SystemLibStdCxx);

    /// <summary>Loads libtorch and TorchSharp's native library once per process; throws <see cref="TorchLoadException"/> when it cannot.</summary>
    public static LoadReport EnsureLoaded() => Loaded.Value;

    private static LoadReport Load()
    {
        var tried = new List<string>();
        // libtorch reads THP_MEM_ALLOC_ENABLE with getenv() when it first allocates; Environment.SetEnvironmentVariable
        // changes only .NET's copy of the environment, so set it in the C runtime's. Transparent huge pages for large
        // tensors: 1.2–1.7× faster batched CE forward+backward here (bench/README.md). A value the user set is kept.
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            if (SetEnv("THP_MEM_ALLOC_ENABLE", "1", overwrite: 0) != 0)
                tried.Add("setenv(THP_MEM_ALLOC_ENABLE=1) failed; continuing without it");
        }

        LoadReport report = new(null, null, [], "not inspected");
        try
        {
            if (OperatingSystem.IsLinux())
                report = PrepareLinux(tried);
            torch.InitializeDeviceType(DeviceType.CPU);
            return report;
        }
        catch (TorchLoadException) { throw; }
        catch (Exception e)
        {
            tried.Add($"torch.InitializeDeviceType(CPU) threw {e.GetType().Name}: {FirstLines(e.Message, 3)}");
            throw new TorchLoadException(tried, report);
        }
    }

    private static LoadReport PrepareLinux(List<string> tried)
    {
        string? original = FindShippedLibrary(tried);
        if (original is null)
            throw new TorchLoadException(tried, new LoadReport(null, null, [], "not inspected"));
        tried.Add($"found {original}");

        string libstdcxx = SystemLibStdCxx(tried, original);
        var defined = ElfVersionTables.Defined(File.ReadAllBytes(libstdcxx));
        byte[] image = File.ReadAllBytes(original);
        var (toWeaken, unsafeToWeaken) = Plan(ElfVersionTables.Needed(image), defined);
        if (unsafeToWeaken.Count > 0)
        {
            tried.Add($"{libstdcxx} lacks {string.Join(", ", unsafeToWeaken)}; only {string.Join(", ", WeakenableVersions)} is known to be safe to weaken, so nothing was patched. Install a newer libstdc++ (GCC ≥ 13).");
            throw new TorchLoadException(tried, new LoadReport(original, null, [], libstdcxx));
        }
        if (toWeaken.Count == 0)
        {
            tried.Add($"{libstdcxx} defines every version {NativeFile} needs: loaded as shipped");
            return new LoadReport(original, null, [], libstdcxx);   // nothing to patch on a newer system
        }

        ElfVersionTables.MarkWeak(image, toWeaken);
        string copy = WriteToCache(image, tried, new LoadReport(original, null, [], libstdcxx));
        var weakened = toWeaken.Select(v => v.Version).ToArray();
        tried.Add($"{libstdcxx} lacks {string.Join(", ", weakened)}; wrote a copy with it weak: {copy}");

        // The copy's RUNPATH is $ORIGIN: preload its dependencies from the original folder, by full path, so that the
        // loader finds them already loaded under their sonames.
        string folder = Path.GetDirectoryName(original)!;
        string libtorch = Path.Combine(folder, "libtorch.so");
        IntPtr handle;
        try
        {
            NativeLibrary.Load(libtorch);
            handle = NativeLibrary.Load(copy);
        }
        catch (DllNotFoundException e)   // its message carries dlerror()'s: the missing file, version or symbol
        {
            tried.Add($"preloading {libtorch}, then loading the copy, failed: {FirstLines(e.Message, 3)}");
            throw new TorchLoadException(tried, new LoadReport(original, copy, weakened, libstdcxx));
        }

        Assembly torchSharp = typeof(torch).Assembly;
        try
        {
            NativeLibrary.SetDllImportResolver(torchSharp, (name, _, _) => name == NativeName ? handle : IntPtr.Zero);
        }
        catch (InvalidOperationException e)
        {
            tried.Add($"could not route TorchSharp's DllImports to the copy: {e.Message}");
            throw new TorchLoadException(tried, new LoadReport(original, copy, weakened, libstdcxx));
        }
        return new LoadReport(original, copy, weakened, libstdcxx);
    }

    /// <summary>
    /// The decision, without I/O: the libstdc++ versions <paramref name="needed"/> requires (not already weak) that
    /// <paramref name="definedByLibStdCxx"/> lacks are weakened when every one of them is known to be safe to weaken;
    /// when any is not, nothing is weakened and those are returned as unsafe. Both empty: load as shipped.
    /// </summary>
    internal static (IReadOnlyList<ElfVersionTables.NeededVersion> ToWeaken, IReadOnlyList<string> Unsafe) Plan(
        IReadOnlyList<ElfVersionTables.NeededVersion> needed, IReadOnlySet<string> definedByLibStdCxx)
    {
        var missing = needed
            .Where(v => v.Library.StartsWith("libstdc++", StringComparison.Ordinal) && !v.IsWeak && !definedByLibStdCxx.Contains(v.Version))
            .ToArray();
        var unsafeToWeaken = missing.Where(v => !WeakenableVersions.Contains(v.Version)).Select(v => v.Version).Distinct().ToArray();
        return unsafeToWeaken.Length > 0 ? ([], unsafeToWeaken) : (missing, []);
    }

    /// <summary>libLibTorchSharp.so where the host will look for it: the probing folders of this app, then beside TorchSharp.dll.</summary>
    private static string? FindShippedLibrary(List<string> tried)
    {
        string rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        string torchSharpFolder = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? AppContext.BaseDirectory;
        var folders = ((AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") as string) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat([Path.Combine(torchSharpFolder, "runtimes", rid, "native"), torchSharpFolder, AppContext.BaseDirectory])
            .Distinct();
        foreach (var folder in folders)
        {
            string candidate = Path.Combine(folder, NativeFile);
            if (File.Exists(candidate) && File.Exists(Path.Combine(folder, "libtorch.so"))) return candidate;
        }
        tried.Add($"no {NativeFile} with libtorch.so beside it in: {string.Join(", ", folders)}. Is a libtorch package (TorchSharp-cpu) referenced and restored?");
        return null;
    }

    /// <summary>The libstdc++.so.6 this process uses (the .NET host links it), from /proc/self/maps.</summary>
    private static string SystemLibStdCxx(List<string> tried, string original)
    {
        NativeLibrary.Load("libstdc++.so.6");   // make sure it is mapped
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            int slash = line.IndexOf('/');
            if (slash >= 0 && line.Contains("libstdc++.so", StringComparison.Ordinal)) return line[slash..];
        }
        tried.Add("libstdc++.so.6 is loaded but not listed in /proc/self/maps, so its versions could not be read");
        throw new TorchLoadException(tried, new LoadReport(original, null, [], "unknown"));
    }

    /// <summary>Writes the copy atomically (test hosts start in parallel), named by the hash of the patched bytes.</summary>
    private static string WriteToCache(byte[] image, List<string> tried, LoadReport soFar)
    {
        string root = Environment.GetEnvironmentVariable(CacheVariable) is { Length: > 0 } custom ? custom
            : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
                "loss-conformance", "torchsharp");
        string folder = Path.Combine(root, Convert.ToHexStringLower(SHA256.HashData(image))[..16]);
        string target = Path.Combine(folder, NativeFile);
        if (File.Exists(target) && new FileInfo(target).Length == image.Length) return target;
        try
        {
            Directory.CreateDirectory(folder);
            string temporary = Path.Combine(folder, $"{NativeFile}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            File.WriteAllBytes(temporary, image);
            File.Move(temporary, target, overwrite: true);
            return target;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            tried.Add($"could not write the patched copy under {root} ({e.Message}); set {CacheVariable} to a writable folder");
            throw new TorchLoadException(tried, soFar);
        }
    }

    private static string FirstLines(string text, int count) =>
        string.Join(" / ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(count));

    [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi)]
    private static extern int SetEnv(string name, string value, int overwrite);
}

/// <summary>TorchSharp's native library could not be loaded. The message lists what was tried, in a few lines.</summary>
public sealed class TorchLoadException(IReadOnlyList<string> tried, TorchRuntime.LoadReport report)
    : ImplementationUnavailableException("TorchSharp could not be loaded:\n  " + string.Join("\n  ", tried))
{
    public IReadOnlyList<string> Tried { get; } = tried;
    public TorchRuntime.LoadReport Report { get; } = report;
}
