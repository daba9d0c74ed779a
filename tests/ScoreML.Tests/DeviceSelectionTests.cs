using Microsoft.ML;
using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML.Tests;

[TestClass]
public sealed class DeviceSelectionTests
{
    [TestMethod]
    public void TheDefaultIsTheCpu() => Assert.AreEqual(DeviceType.CPU, DeviceSelection.Choose(new MLContext(1), null).type);

    /// <summary>
    /// A context that asks for CUDA device 0 without a fallback, which alone would give CUDA (or throw, without CUDA): an
    /// explicit "cpu" must override it either way.
    /// </summary>
    [TestMethod]
    public void ANamedDeviceWinsOverTheContextsGpuSetting()
    {
        var wantsGpu = new MLContext(1) { GpuDeviceId = 0, FallbackToCpu = false };
        Assert.AreEqual(DeviceType.CPU, DeviceSelection.Choose(wantsGpu, "cpu").type);
    }

    [TestMethod]
    public void AMisspelledDeviceIsRefusedByName()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => DeviceSelection.Choose(new MLContext(1), "gpu0"));
        StringAssert.Contains(e.Message, "'gpu0'");
        StringAssert.Contains(e.Message, "cuda:N");
    }

    [TestMethod]
    public void CudaWithoutCudaIsRefusedUnlessFallbackIsAllowed()
    {
        if (cuda.is_available()) Assert.Inconclusive("CUDA is available here; this test is about a CPU-only build, which is what CI runs.");
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => DeviceSelection.Choose(new MLContext(1), "cuda"));
        StringAssert.Contains(e.Message, "CUDA is not available");
        var fallback = new MLContext(1) { GpuDeviceId = 0, FallbackToCpu = true };
        Assert.AreEqual(DeviceType.CPU, DeviceSelection.Choose(fallback, null).type);
        Assert.ThrowsExactly<InvalidOperationException>(() => DeviceSelection.Choose(new MLContext(1) { GpuDeviceId = 0, FallbackToCpu = false }, null));
    }
}
