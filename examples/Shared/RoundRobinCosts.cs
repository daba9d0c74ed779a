using System.Diagnostics;
using ScoreML;

namespace ScoreML.Examples;

/// <summary>
/// What methods cost beside each other in one run, on one machine, as per-step times: training steps of the networks a method
/// needs and sampler steps of its sampler. Every probe runs round-robin, so a burst of other work on a shared machine slows one
/// round of all of them rather than one of them; each cost is the median of the rounds, with their range. The studies use it to
/// put classifier-free guidance's cost beside DLSM's.
/// </summary>
internal static class RoundRobinCosts
{
    // Five: on the 2-core EPYC the very same U-Net forward pass took 0.19 to 0.83 s from one repeat to the next (glibc's
    // allocator returning and re-faulting large buffers), so three rounds' median could land on either mode.
    public const int Rounds = 5;

    /// <summary>A per-step time in milliseconds: the median of the rounds, and their smallest and largest.</summary>
    internal sealed record StepCost(double Median, double Min, double Max)
    {
        public static StepCost Of(List<double> rounds)
        {
            var sorted = rounds.Order().ToArray();
            return new StepCost(sorted[sorted.Length / 2], sorted[0], sorted[^1]);
        }

        public double[] ToArray() => new[] { Median, Min, Max };
    }

    /// <summary>Per-step training time of each named network: <paramref name="stepMilliseconds"/>(name) trains a fresh network
    /// briefly and returns the median time of its steps (a <see cref="StepClock{T}"/> measures them inside the run, so the set-up
    /// of a run does not count).</summary>
    public static Dictionary<string, StepCost> Training(IReadOnlyList<string> names, Func<string, double> stepMilliseconds)
    {
        var rounds = names.ToDictionary(n => n, _ => new List<double>());
        foreach (var name in names) stepMilliseconds(name);   // warm-up: JIT, libtorch's first allocations
        for (int round = 0; round < Rounds; round++)
            foreach (var name in names)
            {
                rounds[name].Add(stepMilliseconds(name));
                Console.WriteLine($"    round {round + 1}, {name}: {rounds[name][^1]:F1} ms a step");
            }
        return rounds.ToDictionary(p => p.Key, p => StepCost.Of(p.Value));
    }

    /// <summary>Steps a training run should take for <see cref="StepClock{T}"/>: a few to settle, then the timed ones.</summary>
    public const int TimedRunSteps = 25;

    /// <summary>
    /// A training run's progress receiver (set the options' ProgressInterval to 1) that notes the time of every step's report,
    /// inline in the training loop; <see cref="MedianStepMilliseconds"/> is the median gap between reports after the first
    /// <see cref="SettleSteps"/>, which carry the run's first allocations.
    /// </summary>
    internal sealed class StepClock<T> : IProgress<T>
    {
        public const int SettleSteps = 5;
        readonly Stopwatch clock = Stopwatch.StartNew();
        readonly List<double> times = new();

        public void Report(T value) => times.Add(clock.Elapsed.TotalMilliseconds);

        public double MedianStepMilliseconds
        {
            get
            {
                var gaps = times.Skip(SettleSteps).Zip(times.Skip(SettleSteps + 1), (a, b) => b - a).Order().ToArray();
                if (gaps.Length == 0) throw new InvalidOperationException($"Too few steps were reported to time: {times.Count}; set ProgressInterval = 1 and train more than {SettleSteps + 1} steps.");
                return gaps[gaps.Length / 2];
            }
        }
    }

    /// <summary>Per-sampler-step time of each sampler on <paramref name="classes"/> (the same requests for all), over
    /// <paramref name="steps"/> steps (network evaluations) per sample.</summary>
    public static Dictionary<string, StepCost> Sampling(IReadOnlyDictionary<string, ConditionalSamplingTransformer> samplers, int[] classes, int steps)
    {
        var rounds = samplers.Keys.ToDictionary(n => n, _ => new List<double>());
        foreach (var sampler in samplers.Values) sampler.Generate(classes.Take(8).ToArray());   // warm-up
        for (int round = 0; round < Rounds; round++)
            foreach (var (name, sampler) in samplers)
            {
                var clock = Stopwatch.StartNew();
                sampler.Generate(classes);
                rounds[name].Add(clock.Elapsed.TotalMilliseconds / steps);
                Console.WriteLine($"    round {round + 1}, {name}: {clock.Elapsed.TotalSeconds:F1} s");
            }
        return rounds.ToDictionary(p => p.Key, p => StepCost.Of(p.Value));
    }
}
