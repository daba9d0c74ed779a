using ScoreML.Evaluation.Metrics;
using System.Globalization;

namespace ScoreML;

/// <summary>
/// How much memory a metric may allocate for its working matrices. The metrics whose memory grows with the square of the
/// feature dimension (FID's covariances) or of the row count (the median heuristic of the MMD) estimate what they need
/// before they allocate anything and throw <see cref="InsufficientMemoryException"/> when it is more than the budget, with
/// the bytes needed and what to change, instead of failing part-way inside libtorch's allocator (or being stopped by the
/// operating system). The others work in blocks of a fixed size and need no budget.
/// </summary>
/// <remarks>
/// The default budget is half of <see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/>, the memory the runtime says the
/// process may use (the physical memory, or a container's or <c>GCHeapHardLimit</c>'s limit); the other half is left to the
/// data, the features and the rest of the process. <see cref="GenerativeEvaluationOptions.MemoryBudgetBytes"/> and the
/// metrics' <c>memoryBudgetBytes</c> arguments replace it.
/// </remarks>
public static class MemoryBudget
{
    // When the runtime reports no limit (it should not), assume a small machine rather than none.
    const long FallbackAvailableBytes = 8L << 30;

    /// <summary>Half of the memory available to the process.</summary>
    public static long DefaultBytes
    {
        get
        {
            long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            return (available > 0 ? available : FallbackAvailableBytes) / 2;
        }
    }

    /// <summary>The given budget, or <see cref="DefaultBytes"/> for null; a budget that is not positive is refused.</summary>
    internal static long Resolve(long? bytes) => bytes switch
    {
        null => DefaultBytes,
        > 0 => bytes.Value,
        _ => throw new ArgumentOutOfRangeException("memoryBudgetBytes", bytes, "The memory budget (GenerativeEvaluationOptions.MemoryBudgetBytes, memoryBudgetBytes) must be positive."),
    };

    /// <summary>
    /// Throws <see cref="InsufficientMemoryException"/> when <paramref name="bytesNeeded"/> is more than the budget.
    /// </summary>
    /// <param name="bytesNeeded">The estimate, in bytes (a double: D^2 terms overflow a long for the dimensions refused here).</param>
    /// <param name="budget">The budget, or null for the default.</param>
    /// <param name="what">What needs the memory, e.g. "FID on 100000 features needs".</param>
    /// <param name="remedy">What to change.</param>
    internal static void Require(double bytesNeeded, long? budget, string what, string remedy)
    {
        long limit = Resolve(budget);
        if (bytesNeeded <= limit) return;
        throw new InsufficientMemoryException($"{what} about {Describe(bytesNeeded)}, more than the memory budget of {Describe(limit)} " +
            $"(GenerativeEvaluationOptions.MemoryBudgetBytes or the memoryBudgetBytes argument; by default half of the memory available). {remedy}");
    }

    /// <summary>"12,345,678 bytes (12.3 GB)".</summary>
    internal static string Describe(double bytes) =>
        string.Create(CultureInfo.InvariantCulture, $"{bytes:N0} bytes ({bytes / 1e9:0.0##} GB)");
}
