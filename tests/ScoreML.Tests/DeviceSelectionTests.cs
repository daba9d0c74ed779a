using Microsoft.ML;
using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML.Tests;

[TestClass]
public sealed class DeviceSelectionTests
{
    [TestMethod]
    public void NamedDeviceWinsAndTheDefaultIsTheCpu()
    {
        var ml = new MLContext(1);
        Assert.AreEqual(DeviceType.CPU, DeviceSelection.Choose(ml, null).type);
        Assert.AreEqual(DeviceType.CPU, DeviceSelection.Choose(ml, "cpu").type);
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
        if (cuda.is_available()) return;   // the test is about a CPU-only build, which is what CI runs
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => DeviceSelection.Choose(new MLContext(1), "cuda"));
        StringAssert.Contains(e.Message, "CUDA is not available");
        var fallback = new MLContext(1) { GpuDeviceId = 0, FallbackToCpu = true };
        Assert.AreEqual(DeviceType.CPU, DeviceSelection.Choose(fallback, null).type);
        Assert.ThrowsExactly<InvalidOperationException>(() => DeviceSelection.Choose(new MLContext(1) { GpuDeviceId = 0, FallbackToCpu = false }, null));
    }
}
