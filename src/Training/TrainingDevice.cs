namespace Recsys.Training;

/// <summary>Where training runs: CUDA when libtorch has a usable GPU, otherwise the CPU.</summary>
public static class TrainingDevice
{
    /// <summary>
    /// The device type to train on. <paramref name="cudaAvailable"/> is injectable so the choice is testable on
    /// machines without a GPU; by default it asks libtorch.
    /// </summary>
    public static DeviceType Choose(bool preferCuda = true, Func<bool>? cudaAvailable = null) =>
        preferCuda && (cudaAvailable ?? torch.cuda.is_available)() ? DeviceType.CUDA : DeviceType.CPU;

    /// <summary>
    /// The device itself. Built only after the choice because a CPU-only libtorch throws as soon as a CUDA
    /// device object is created.
    /// </summary>
    public static torch.Device Select(bool preferCuda = true) =>
        Choose(preferCuda) == DeviceType.CUDA ? torch.CUDA : torch.CPU;
}
