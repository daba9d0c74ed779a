using Microsoft.ML;
using TorchSharp;
using static TorchSharp.torch;

namespace ScoreML;

/// <summary>Chooses the TorchSharp device from an explicit option and the MLContext's GPU settings.</summary>
public static class DeviceSelection
{
    /// <summary>
    /// An explicit <paramref name="requested"/> device ("cpu", "cuda", "cuda:1") wins. Otherwise
    /// <c>MLContext.GpuDeviceId</c> selects that CUDA device; when CUDA is unavailable, <c>FallbackToCpu</c>
    /// decides between the CPU and an exception. With neither set, the CPU.
    /// </summary>
    public static Device Choose(MLContext mlContext, string? requested)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            Device device;
            try
            {
                device = new Device(requested);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Device '{requested}' is not a device name: use cpu, cuda or cuda:N.", nameof(requested), e);
            }
            if (device.type == DeviceType.CUDA && !cuda.is_available())
                throw new InvalidOperationException($"Device '{requested}' was requested but CUDA is not available (this build uses the {(cuda.is_available() ? "CUDA" : "CPU")} TorchSharp backend).");
            return device;
        }
        if (mlContext.GpuDeviceId is int id)
        {
            if (cuda.is_available()) return new Device(DeviceType.CUDA, id);
            if (mlContext.FallbackToCpu) return CPU;
            throw new InvalidOperationException($"MLContext.GpuDeviceId is {id} but CUDA is not available and MLContext.FallbackToCpu is false.");
        }
        return CPU;
    }
}
