using System.Diagnostics;
using LossConformance.Kit;
using LossConformance.Kit.External;
using Xunit;
using Xunit.Abstractions;

namespace LossConformance.SelfTests;

/// <summary>
/// The protocol for implementations in other languages (spec/protocol.md, src/Kit/External): the
/// capabilities a handshake declares are exactly the interfaces the proxy has; arrays travel bit-exactly;
/// typed errors become the contract's exceptions; a crash, a hang and stray stdout each fail the call
/// clearly (command, stderr tail) without hanging the run, and the next test gets a fresh process; a
/// broken Python implementation fails a suite test with the clause, a shrunk input and a replay command.
/// </summary>
public sealed class ExternalProcesses(ITestOutputHelper output)
{
    [RequiresPythonWithNumpyFact]
    public void The_proxy_has_exactly_the_capabilities_of_the_handshake()
    {
        using var numpy = Connect("samples/python/numpy_impl.py");
        Assert.Equal("numpy", ((INamedImplementation)numpy).Name);
        // The ten capabilities of Capabilities.cs (the in-place declaration aside); the softmax-regression
        // capabilities of Optimization.cs and the loss options of LossOptions.cs came later, and the numpy
        // sample does not offer them.
        foreach (var open in Capabilities.All.Where(c => c.Name is not "IInPlaceBatchedSoftmaxCrossEntropy`1" and not "IBatchedSoftmaxCrossEntropyWithOptions`1" && !c.Name.StartsWith("ISoftmaxRegression", StringComparison.Ordinal)))
            foreach (var element in new[] { typeof(float), typeof(double) })
                Assert.True(open.MakeGenericType(element).IsInstanceOfType(numpy), $"numpy should provide {Capabilities.Describe(open.MakeGenericType(element))}");
        Assert.Empty(((IKnownDeviations)numpy).KnownDeviations);

        using var softmaxOnly = Connect("samples/python/misbehaving.py fine");
        Assert.IsAssignableFrom<ISoftmax<float>>(softmaxOnly);
        Assert.IsAssignableFrom<ISoftmax<double>>(softmaxOnly);
        Assert.False(softmaxOnly is IEntropy<double>, "misbehaving-fine declares only ISoftmax");
        Assert.False(softmaxOnly is IBatchedSoftmaxCrossEntropy<float>);
        var impl = ImplementationUnderTest.Register(softmaxOnly, "exec");
        Assert.Equal([typeof(IEntropy<double>)], Capabilities.Missing(impl, [typeof(IEntropy<double>), typeof(ISoftmax<double>)]));
    }

    [RequiresPythonWithNumpyFact]
    public void Arrays_travel_bit_exactly_both_ways()
    {
        using var numpy = Connect("samples/python/numpy_impl.py");
        // z = 1 · w + 0 is exactly w: what comes back is what was sent, bit for bit.
        double[] doubles = [0.1, Math.PI, double.Epsilon, 1e-310, -2.5e300, BitConverter.Int64BitsToDouble(0x3FF0000000000001)];
        float[] floats = [0.1f, MathF.PI, float.Epsilon, 1e-40f, -3e38f, BitConverter.Int32BitsToSingle(0x3F800001)];
        foreach (double w in doubles)
        {
            var z = new double[1];
            ((ILinearLayer<double>)numpy).Forward([1.0], [w], [0.0], z);
            Assert.Equal(BitConverter.DoubleToInt64Bits(w), BitConverter.DoubleToInt64Bits(z[0]));
        }
        foreach (float w in floats)
        {
            var z = new float[1];
            ((ILinearLayer<float>)numpy).Forward([1f], [w], [0f], z);
            Assert.Equal(BitConverter.SingleToInt32Bits(w), BitConverter.SingleToInt32Bits(z[0]));
        }
        // The scalar result travels as a one-element array: ln Σ exp over one entry is that entry.
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.1), BitConverter.DoubleToInt64Bits(((ISoftmax<double>)numpy).LogSumExp([0.1])));
    }

    [RequiresPythonWithNumpyFact]
    public void Typed_errors_become_the_contract_exceptions_and_nothing_is_written()
    {
        using var numpy = Connect("samples/python/numpy_impl.py");
        var batched = (IBatchedSoftmaxCrossEntropy<double>)numpy;
        var gradient = new[] { 7.0, 7.0, 7.0, 7.0 };
        var nan = Assert.Throws<ArgumentException>(() => batched.ForwardBackward([0, double.NaN, 0, 0], 2, [0, 1], -100, LossReduction.Mean, gradient));
        Assert.Equal("logits", nan.ParamName);
        var index = Assert.Throws<ArgumentOutOfRangeException>(() => batched.ForwardBackward([0, 0, 0, 0], 2, [0, 2], -100, LossReduction.Mean, gradient));
        Assert.Equal("targets", index.ParamName);
        var reduction = Assert.Throws<ArgumentOutOfRangeException>(() => batched.ForwardBackward([0, 0, 0, 0], 2, [0, 1], -100, (LossReduction)7, gradient));
        Assert.Equal("reduction", reduction.ParamName);
        // An output span of the wrong length is the caller's bad argument, named after the output.
        var shortGradient = new double[3];
        var length = Assert.Throws<ArgumentException>(() => batched.ForwardBackward([0, 0, 0, 0], 2, [0, 1], -100, LossReduction.Mean, shortGradient));
        Assert.Equal("gradient", length.ParamName);
        Assert.All(gradient, g => Assert.Equal(7.0, g));
        Assert.All(shortGradient, g => Assert.Equal(0.0, g));
    }

    [RequiresPythonWithNumpyFact]
    public void A_crash_fails_the_call_with_the_command_and_stderr_and_the_next_test_gets_a_fresh_process()
    {
        using var crashing = Connect("samples/python/misbehaving.py crash");
        var softmax = (ISoftmax<double>)crashing;
        var y = new double[2];
        softmax.Softmax([0, 0], y);
        Assert.Equal([0.5, 0.5], y);

        // Called off the test's stack, as a different test would be: its failure must not stop this test's calls.
        var failure = Assert.IsType<ExternalImplementationException>(OffTheTestStack(() => softmax.Softmax([0, 0, 0], new double[3])));
        output.WriteLine(failure.Message);
        Assert.Contains("misbehaving.py crash", failure.Message);
        Assert.Contains("exited with code 3", failure.Message);
        Assert.Contains("crashing on purpose", failure.Message);
        Assert.IsAssignableFrom<ImplementationUnavailableException>(failure);   // reported as is, not shrunk as a clause violation

        softmax.Softmax([1, 1], y);   // a fresh process
        Assert.Equal([0.5, 0.5], y);
        Assert.Equal(2, crashing.Process.Starts);
    }

    [RequiresPythonWithNumpyFact]
    public void A_hang_is_killed_after_the_timeout_and_the_rest_of_that_test_fails_at_once()
    {
        using var hanging = Connect("samples/python/misbehaving.py hang", TimeSpan.FromSeconds(3));
        var softmax = (ISoftmax<float>)hanging;
        var clock = Stopwatch.StartNew();
        var failure = Assert.Throws<ExternalImplementationException>(() => softmax.Softmax([0, 0, 0], new float[3]));
        output.WriteLine(failure.Message);
        Assert.InRange(clock.Elapsed.TotalSeconds, 2.9, 20);
        Assert.Contains("did not answer", failure.Message);
        Assert.Contains("hanging on purpose", failure.Message);

        // The same test's next call (a shrink step, say) does not wait out the timeout again.
        clock.Restart();
        var again = Assert.Throws<ExternalImplementationException>(() => softmax.Softmax([0, 0], new float[2]));
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 1);
        Assert.Contains("later calls are not sent", again.Message);

        // Another test's call starts a fresh process and is answered.
        var y = new float[2];
        Assert.Null(OffTheTestStack(() => softmax.Softmax([0, 0], y)));
        Assert.Equal([0.5f, 0.5f], y);
    }

    [RequiresPythonWithNumpyFact]
    public void Stray_stdout_is_reported_not_taken_for_a_reply()
    {
        using var noisy = Connect("samples/python/misbehaving.py noise");
        var failure = Assert.Throws<ExternalImplementationException>(() => ((ISoftmax<double>)noisy).Softmax([0, 0, 0], new double[3]));
        output.WriteLine(failure.Message);
        Assert.Contains("outside a frame", failure.Message);
        Assert.Contains("stray debug print", failure.Message);
    }

    [RequiresPythonWithNumpyFact]
    public void A_program_that_is_not_a_protocol_server_fails_to_load_with_the_reason()
    {
        var errors = DropIn.Load("exec:yes hello; exec:/bin/false").Errors;
        Assert.Equal(2, errors.Count);
        Assert.Contains("outside a frame", errors[0]);
        Assert.Contains("hello", errors[0]);
        output.WriteLine(string.Join("\n", errors));
        Assert.Contains("/bin/false", errors[1]);
        Assert.Contains("exited with code 1", errors[1]);
    }

    [RequiresPythonWithNumpyFact]
    public void A_broken_python_implementation_fails_with_the_clause_a_shrunk_input_and_a_replay()
    {
        var broken = ImplementationUnderTest.Register(Connect("samples/python/broken_kl.py"), "exec");
        var test = SuiteTests.All().Single(t => t.Name == "KlDivergencePropertiesDouble.Kl_is_nonnegative");
        var violation = Assert.IsType<SpecViolationException>(test.Run(broken.Name));
        output.WriteLine(violation.Message);
        Assert.Contains("KL-NONNEG", violation.ClauseIds);
        Assert.Contains("violated by numpy-broken-kl (double)", violation.Message);
        Assert.Contains("Shrunk input", violation.Message);
        Assert.Contains("CONFORMANCE_REPLAY=", violation.Message);
    }

    /// <summary>The PyTorch sample's deviations arrive through the handshake and name real tests, clauses, cases and tags.</summary>
    [RequiresPythonWithTorchFact]
    public void The_torch_sample_declares_well_formed_deviations_through_the_handshake()
    {
        using var torch = Connect("samples/python/torch_impl.py");
        var entries = ((IKnownDeviations)torch).KnownDeviations;
        // The sample mirrors the TorchSharp backend (libtorch 2.10), entry for entry, re-measured on 1.13, for the
        // suites of the capabilities it offers: not the loss options nor the strict tier, which came later.
        var later = SuiteTests.All().Where(t => t.Method.DeclaringType!.Name.StartsWith("LossOptions", StringComparison.Ordinal)
                                                || t.Method.DeclaringType!.Name.StartsWith("StrictAccuracy", StringComparison.Ordinal))
                                    .Select(t => t.Method.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(LossConformance.Optimized.Torch.TorchKnownDeviations.All.Where(d => !later.Contains(d.Test)).Select(d => (d.Clause, d.Test)).Order(),
                     entries.Select(d => (d.Clause, d.Test)).Order());
        var tests = SuiteTests.All().Select(t => t.Method.Name).ToHashSet(StringComparer.Ordinal);
        var suiteSources = new[] { "Properties", "Conformance" }
            .SelectMany(project => Directory.EnumerateFiles(Path.Combine(Root, "tests", project), "*.cs", SearchOption.AllDirectories))
            .Select(File.ReadAllText).ToArray();
        var generatorSources = Directory.EnumerateFiles(Path.Combine(Root, "src", "Kit", "Generators"), "*.cs").Select(File.ReadAllText).ToArray();
        foreach (var d in entries)
        {
            Assert.Contains(d.Test, tests);
            Assert.Contains(d.Clause, SpecIndex.Ids);
            Assert.Contains("libtorch 1.13", d.Measured);
            Assert.Null(d.ElementType);
            if (d.Case is not null) Assert.Contains(suiteSources, source => source.Contains($"\"{d.Case}\"", StringComparison.Ordinal));
            if (d.Inputs is not null) Assert.Contains(generatorSources, source => source.Contains($"\"{d.Inputs}\"", StringComparison.Ordinal));
        }
    }

    [RequiresCompilerFact]
    public void The_c_sample_compiles_and_serves_its_two_capabilities()
    {
        string bin = Path.Combine(Path.GetTempPath(), $"conformance-selftest-{Environment.ProcessId}", "softmax_ce");
        Directory.CreateDirectory(Path.GetDirectoryName(bin)!);
        var gcc = Process.Start(new ProcessStartInfo("gcc", ["-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-o", bin,
            Path.Combine(Root, "samples/c/softmax_ce.c"), "-lm"]) { RedirectStandardError = true })!;
        string messages = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        Assert.True(gcc.ExitCode == 0, messages);

        using var c = ExternalImplementations.Connect(bin);
        Assert.Equal("c-softmax", ((INamedImplementation)c).Name);
        Assert.True(c is ISoftmax<float> and ISoftmax<double> and IBatchedSoftmaxCrossEntropy<double>);
        Assert.False(c is IEntropy<double> or ISoftmaxJacobian<double>);
        var y = new double[3];
        ((ISoftmax<double>)c).Softmax([1, 2, 3], y);
        var expected = new double[3];
        ((ISoftmax<double>)new Reference.ReferenceImplementation()).Softmax([1.0, 2, 3], expected);
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], y[i], 1e-15);
        var gradient = new double[4];
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ((IBatchedSoftmaxCrossEntropy<double>)c).ForwardBackward([0, 0, 0, 0], 0, [0, 1], -100, LossReduction.Sum, gradient));
        Assert.Equal("classes", error.ParamName);
    }

    /// <summary>Runs the action on a thread of its own (not an inlined task), whose stack holds no test method; returns what it threw.</summary>
    private static Exception? OffTheTestStack(Action action)
    {
        Exception? thrown = null;
        var thread = new Thread(() => thrown = Record.Exception(action));
        thread.Start();
        thread.Join();
        return thrown;
    }

    private static string Root => DropIn.RepositoryRoot() ?? throw new InvalidOperationException("no repository root above the test assembly");

    private static ExternalImplementation Connect(string script, TimeSpan? timeout = null) =>
        ExternalImplementations.Connect($"{Python.Interpreter} {script}", Root, timeout);
}

/// <summary>The Python with numpy the samples need: Debian's /usr/bin/python3 where there is one (a pyenv shim may lack numpy).</summary>
internal static class Python
{
    public static string Interpreter { get; } = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    public static string? Missing { get; } = Probe(Interpreter, "-c \"import numpy\"", "python3 with numpy (Debian: apt-get install python3-numpy; .ci/run installs it)");

    public static string? Probe(string program, string arguments, string what)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", $"{program} {arguments}"]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.WaitForExit(30_000);
            return p.HasExited && p.ExitCode == 0 ? null : $"needs {what}: `{program} {arguments}` failed";
        }
        catch (Exception e) { return $"needs {what}: {e.Message}"; }
    }
}

/// <summary>A fact skipped, with the reason, where the samples' Python (with numpy) is missing.</summary>
public sealed class RequiresPythonWithNumpyFactAttribute : FactAttribute
{
    public RequiresPythonWithNumpyFactAttribute()
    {
        if (Python.Missing is { } reason) Skip = reason;
    }
}

/// <summary>A fact skipped, with the reason, where the samples' Python has no PyTorch.</summary>
public sealed class RequiresPythonWithTorchFactAttribute : FactAttribute
{
    public RequiresPythonWithTorchFactAttribute()
    {
        if (Python.Probe(Python.Interpreter, "-c \"import numpy, torch\"", "python3 with numpy and torch (Debian: apt-get install python3-numpy python3-torch; .ci/run installs them)") is { } reason) Skip = reason;
    }
}

/// <summary>A fact skipped, with the reason, where there is no gcc to build samples/c.</summary>
public sealed class RequiresCompilerFactAttribute : FactAttribute
{
    public RequiresCompilerFactAttribute()
    {
        if (Python.Probe("gcc", "--version", "gcc (Debian: apt-get install gcc; .ci/run installs it)") is { } reason) Skip = reason;
    }
}
