using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using LossConformance.Optimized.Gpu;
using Xunit;
using Xunit.Abstractions;

namespace LossConformance.SelfTests;

/// <summary>
/// What can be checked of the CUDA path of Optimized-GPU on a machine without a GPU: every kernel
/// compiles to PTX (sm_90) with ILGPU's own backend, and that PTX uses no approximate instruction for
/// exp, ln or division; and the kernels' own exp and ln (DeviceMath.cs) are within ACC-MODEL's 4u.
/// Running the PTX needs a GPU (bench/gpu-check); this does not claim that it runs.
/// </summary>
public sealed class GpuKernels(ITestOutputHelper output)
{
    public static TheoryData<string> KernelNames() =>
        new(typeof(Kernels<float, SingleMath>).GetMethods(BindingFlags.Public | BindingFlags.Static).Select(m => m.Name));

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void Every_kernel_compiles_to_ptx_without_approximate_instructions(string kernel)
    {
        using var context = Context.Create(builder => builder.Cuda());
        var backend = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90,
                                     CudaInstructionSet.ISA_80, null!);
        foreach (var type in new[] { typeof(Kernels<float, SingleMath>), typeof(Kernels<double, DoubleMath>) })
        {
            var method = type.GetMethod(kernel, BindingFlags.Public | BindingFlags.Static)!;
            bool implicitlyGrouped = method.GetParameters()[0].ParameterType is var first && (first == typeof(Index1D) || first == typeof(Index2D));
            var entry = implicitlyGrouped ? EntryPointDescription.FromImplicitlyGroupedKernel(method) : EntryPointDescription.FromExplicitlyGroupedKernel(method);
            string ptx = ((PTXCompiledKernel)backend.Compile(entry, new KernelSpecialization())).PTXAssembly;
            output.WriteLine($"{type.GenericTypeArguments[0].Name} {kernel}: {ptx.Length} characters of PTX");
            Assert.Contains(".entry", ptx);
            foreach (string approximate in new[] { "ex2.approx", "lg2.approx", "div.approx", "div.full", "rcp.approx" })
                Assert.DoesNotContain(approximate, ptx);
        }
    }

    [Fact]
    public void The_kernels_exp_and_ln_are_within_four_u()
    {
        // Against Math.Exp/Log in double: exact to ≪ float's u for float; for double, glibc's are
        // within 1 ulp (≤ 2u), so the double test allows 4u − 2u = 2u of our own error.
        var random = new Random(1202);
        double uf = Math.ScaleB(1, -24), ud = Math.ScaleB(1, -53);
        double expF = 0, lnF = 0, expD = 0, lnD = 0;
        for (int i = 0; i < 400_000; i++)
        {
            float xf = (float)(-random.NextDouble() * (i % 3 == 0 ? 87 : i % 3 == 1 ? 5 : 1e-3)) * (i % 7 == 0 ? -1 : 1);
            double ef = Math.Exp(xf);
            if (ef > 1.2e-38 && ef < 3e38) expF = Math.Max(expF, Math.Abs(SingleMath.Exp(xf) - ef) / ef / uf);
            float pf = (float)(random.NextDouble() * Math.Pow(10, random.Next(-44, 38)));
            if (pf > 0 && pf != 1f) lnF = Math.Max(lnF, Math.Abs(SingleMath.Log(pf) - Math.Log(pf)) / Math.Abs(Math.Log(pf)) / uf);
            double xd = -random.NextDouble() * (i % 3 == 0 ? 708 : i % 3 == 1 ? 5 : 1e-3) * (i % 7 == 0 ? -1 : 1);
            double ed = Math.Exp(xd);
            expD = Math.Max(expD, Math.Abs(DoubleMath.Exp(xd) - ed) / ed / ud);
            double pd = random.NextDouble() * Math.Pow(10, random.Next(-320, 308));
            if (pd > 0 && pd != 1) lnD = Math.Max(lnD, Math.Abs(DoubleMath.Log(pd) - Math.Log(pd)) / Math.Abs(Math.Log(pd)) / ud);
        }
        output.WriteLine($"worst relative error in u: float exp {expF:0.00}, ln {lnF:0.00}; double exp {expD:0.00}, ln {lnD:0.00} (against Math, whose own error the double figures include)");
        Assert.True(expF <= 4 && lnF <= 4, $"float exp {expF}u, ln {lnF}u");
        Assert.True(expD <= 2 && lnD <= 2, $"double exp {expD}u, ln {lnD}u");
        Assert.Equal(0f, SingleMath.Exp(-200f));
        Assert.Equal(float.NegativeInfinity, SingleMath.Log(0f));
        Assert.Equal(0.0, DoubleMath.Exp(-800.0));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData(" auto ", null)]
    [InlineData("cpu", GpuAcceleratorKind.Cpu)]
    [InlineData("CUDA", GpuAcceleratorKind.Cuda)]
    public void The_variable_names_an_accelerator_or_auto(string? value, GpuAcceleratorKind? expected) =>
        Assert.Equal(expected, GpuAccelerators.Parse(value));

    [Fact]
    public void Any_other_value_is_an_error_that_names_the_variable() =>
        Assert.Contains(GpuAccelerators.Variable, Assert.Throws<InvalidOperationException>(() => GpuAccelerators.Parse("gpu")).Message);

    [Fact]
    public void Forcing_cuda_fails_loudly_without_a_device_and_runs_with_one()
    {
        var gpu = new GpuImplementation(GpuAcceleratorKind.Cuda);
        if (GpuAccelerators.CudaAvailable)
            Assert.Equal(2.0 + Math.Log(1 + Math.Exp(-1)), gpu.LogSumExp(new double[] { 1, 2 }), 1e-15);
        else
            Assert.Contains("no CUDA device", Assert.Throws<ImplementationUnavailableException>(() => gpu.LogSumExp(new float[] { 1f, 2f })).Message);
    }
}
