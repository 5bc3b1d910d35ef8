using System.Runtime.InteropServices;
using LossConformance.Optimized.Torch.Native;
using Xunit;
using Xunit.Abstractions;
using static LossConformance.Optimized.Torch.Native.ElfVersionTables;

namespace LossConformance.SelfTests;

/// <summary>
/// The loader of TorchSharp's native library (src/Optimized/Torch/Native): what the shipped
/// libLibTorchSharp.so needs, what the system libstdc++ defines, the decision taken from the two,
/// the two-byte edit, and what EnsureLoaded leaves behind (a copy outside the NuGet cache and the
/// repository, THP_MEM_ALLOC_ENABLE in the C runtime's environment, a working torch).
/// </summary>
public sealed class TorchNativeLoading(ITestOutputHelper output)
{
    private const string Missing = "GLIBCXX_3.4.32";

    [Fact]
    public void Shipped_library_needs_GLIBCXX_3_4_32_from_libstdcxx_and_not_weakly()
    {
        var needed = Needed(File.ReadAllBytes(ShippedLibrary()));
        var v = Assert.Single(needed, n => n.Version == Missing);
        Assert.Equal("libstdc++.so.6", v.Library);
        Assert.False(v.IsWeak, $"{Missing} is already weak in the shipped file (flags 0x{v.Flags:x}): the patch would be unnecessary");
        output.WriteLine($"{needed.Count} needed versions; libstdc++: {string.Join(", ", needed.Where(IsLibStdCxx).Select(n => n.Version))}");
    }

    [Fact]
    public void Decision_on_this_machine_follows_what_its_libstdcxx_defines()
    {
        var report = TorchRuntime.EnsureLoaded();
        if (!OperatingSystem.IsLinux()) { output.WriteLine("not Linux: nothing is inspected"); return; }
        var defined = Defined(File.ReadAllBytes(report.SystemLibStdCxx));
        // Documents the machine (Debian 12, GCC 12: up to GLIBCXX_3.4.30) without requiring it: on a newer
        // system 3.4.32 is defined and the decision below must then be "patch nothing".
        Assert.Contains("GLIBCXX_3.4.30", defined);
        output.WriteLine($"{report.SystemLibStdCxx} defines {Missing}: {defined.Contains(Missing)}; newest GLIBCXX: "
            + defined.Where(d => d.StartsWith("GLIBCXX_3.4.", StringComparison.Ordinal)).MaxBy(d => int.Parse(d["GLIBCXX_3.4.".Length..])));

        var (toWeaken, unsafeVersions) = TorchRuntime.Plan(Needed(File.ReadAllBytes(ShippedLibrary())), defined);
        Assert.Empty(unsafeVersions);
        string[] expected = defined.Contains(Missing) ? [] : [Missing];
        Assert.Equal(expected, toWeaken.Select(v => v.Version).ToArray());
        Assert.Equal(toWeaken.Select(v => v.Version), report.WeakenedVersions);   // what EnsureLoaded did is what Plan says
    }

    [Fact]
    public void Plan_weakens_nothing_when_libstdcxx_defines_every_needed_version()
    {
        var needed = Needed(File.ReadAllBytes(ShippedLibrary()));
        var newer = needed.Where(IsLibStdCxx).Select(n => n.Version).ToHashSet(StringComparer.Ordinal);   // a newer system, simulated
        Assert.Contains(Missing, newer);
        var (toWeaken, unsafeVersions) = TorchRuntime.Plan(needed, newer);
        Assert.Empty(toWeaken);
        Assert.Empty(unsafeVersions);
    }

    [Fact]
    public void Plan_weakens_exactly_GLIBCXX_3_4_32_when_only_it_is_missing()
    {
        var needed = Needed(File.ReadAllBytes(ShippedLibrary()));
        var defined = LibStdCxxVersionsExcept(needed, Missing);
        var (toWeaken, unsafeVersions) = TorchRuntime.Plan(needed, defined);
        Assert.Equal([Missing], toWeaken.Select(v => v.Version).ToArray());
        Assert.Equal("libstdc++.so.6", toWeaken[0].Library);
        Assert.Empty(unsafeVersions);
    }

    [Fact]
    public void Plan_weakens_nothing_and_names_the_unsafe_version_when_another_is_missing_too()
    {
        // Any other missing version binds symbols that are called: weakening it would trade a load error for a crash.
        var needed = Needed(File.ReadAllBytes(ShippedLibrary()));
        Assert.Contains(needed, n => IsLibStdCxx(n) && n.Version == "GLIBCXX_3.4.30");
        var defined = LibStdCxxVersionsExcept(needed, Missing, "GLIBCXX_3.4.30");
        var (toWeaken, unsafeVersions) = TorchRuntime.Plan(needed, defined);
        Assert.Empty(toWeaken);
        Assert.Equal(["GLIBCXX_3.4.30"], unsafeVersions);
    }

    [Fact]
    public void MarkWeak_changes_only_the_flags_field_of_that_one_version()
    {
        byte[] original = File.ReadAllBytes(ShippedLibrary());
        var before = Needed(original);
        var target = before.Single(n => n.Version == Missing);
        byte[] edited = (byte[])original.Clone();
        MarkWeak(edited, [target]);

        var changed = DifferingOffsets(original, edited);
        Assert.NotEmpty(changed);
        Assert.All(changed, at => Assert.InRange(at, target.FlagsOffset, target.FlagsOffset + 1));
        Assert.Equal((ushort)(target.Flags | VerFlagWeak), BitConverter.ToUInt16(edited, checked((int)target.FlagsOffset)));

        var after = Needed(edited);
        Assert.Equal(before.Count, after.Count);
        foreach (var (b, a) in before.Zip(after))
        {
            Assert.Equal((b.Library, b.Version, b.FlagsOffset), (a.Library, a.Version, a.FlagsOffset));
            Assert.Equal(b.Version == Missing, a.IsWeak && !b.IsWeak);
            if (b.Version != Missing) Assert.Equal(b.Flags, a.Flags);
        }
    }

    [Fact]
    public void Patched_copy_lies_outside_the_NuGet_cache_and_the_repository_and_differs_only_in_weakened_flags()
    {
        var report = TorchRuntime.EnsureLoaded();
        output.WriteLine($"original: {report.Original}\npatched copy: {report.PatchedCopy ?? "(none: loaded as shipped)"}\nweakened: {string.Join(", ", report.WeakenedVersions)}");
        if (report.PatchedCopy is null)
        {
            Assert.Empty(report.WeakenedVersions);
            return;
        }
        Assert.NotNull(report.Original);
        Assert.True(File.Exists(report.PatchedCopy), $"no file at {report.PatchedCopy}");
        Assert.False(IsUnder(report.PatchedCopy, NuGetPackages()), $"{report.PatchedCopy} is inside the NuGet cache {NuGetPackages()}");
        Assert.False(IsUnder(report.PatchedCopy, Repository.Root), $"{report.PatchedCopy} is inside the repository {Repository.Root}");

        byte[] original = File.ReadAllBytes(report.Original);
        byte[] copy = File.ReadAllBytes(report.PatchedCopy);
        Assert.Equal(original.Length, copy.Length);
        var weakened = Needed(original).Where(n => report.WeakenedVersions.Contains(n.Version)).ToArray();
        Assert.Equal(report.WeakenedVersions.Count, weakened.Length);
        var allowed = weakened.SelectMany(n => new[] { n.FlagsOffset, n.FlagsOffset + 1 }).ToHashSet();
        var changed = DifferingOffsets(original, copy);
        Assert.NotEmpty(changed);
        Assert.True(changed.All(allowed.Contains),
            $"the copy differs from the original outside the weakened vna_flags fields, at offsets {string.Join(", ", changed.Where(c => !allowed.Contains(c)).Take(10))}");
        Assert.All(Needed(copy).Where(n => report.WeakenedVersions.Contains(n.Version)), n => Assert.True(n.IsWeak));
    }

    [Fact]
    public void THP_MEM_ALLOC_ENABLE_reaches_the_C_runtime_environment()
    {
        // .NET keeps its own copy of the environment: only the C runtime's getenv() shows what libtorch will read.
        string? atStartup = Environment.GetEnvironmentVariable("THP_MEM_ALLOC_ENABLE");   // a value the user set is kept
        TorchRuntime.EnsureLoaded();
        if (OperatingSystem.IsWindows()) return;
        Assert.Equal(atStartup ?? "1", Marshal.PtrToStringUTF8(GetEnv("THP_MEM_ALLOC_ENABLE")));
    }

    [Fact]
    public void Torch_computes_after_EnsureLoaded()
    {
        TorchRuntime.EnsureLoaded();
        using var scope = TorchSharp.torch.NewDisposeScope();
        Assert.Equal(3f, TorchSharp.torch.ones(3).sum().item<float>());
    }

    private static bool IsLibStdCxx(NeededVersion v) => v.Library.StartsWith("libstdc++", StringComparison.Ordinal);

    /// <summary>A libstdc++ that defines every version the library needs from it but the given ones.</summary>
    private static HashSet<string> LibStdCxxVersionsExcept(IEnumerable<NeededVersion> needed, params string[] absent) =>
        needed.Where(IsLibStdCxx).Select(n => n.Version).Except(absent).ToHashSet(StringComparer.Ordinal);

    private static long[] DifferingOffsets(byte[] a, byte[] b) =>
        Enumerable.Range(0, Math.Min(a.Length, b.Length)).Where(i => a[i] != b[i]).Select(i => (long)i).ToArray();

    /// <summary>The libLibTorchSharp.so copied into the test output, as TorchRuntime finds it.</summary>
    internal static string ShippedLibrary()
    {
        string rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        string path = Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"no {path}: is TorchSharp-cpu restored for {rid}?");
        return path;
    }

    private static string NuGetPackages() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static bool IsUnder(string path, string folder)
    {
        string full = Path.GetFullPath(path), root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
        return full.StartsWith(root, StringComparison.Ordinal);
    }

    [DllImport("libc", EntryPoint = "getenv", CharSet = CharSet.Ansi)]
    private static extern IntPtr GetEnv(string name);
}
