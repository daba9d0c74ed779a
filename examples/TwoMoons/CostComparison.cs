using System.Diagnostics;
using Microsoft.ML;
using ScoreML;

namespace TwoMoons;

/// <summary>
/// What classifier-free guidance costs beside DLSM in this run, on this machine, as ratios: training one class-conditional
/// score model against an unconditional score model plus a DLSM + CE classifier, and a sampler step of CFG (two network
/// evaluations, one pass over the batch stacked twice) against one of DLSM guidance (a score evaluation plus a forward and
/// backward pass through the classifier). Every probe runs round-robin, so a burst of other work on a shared machine slows
/// one round of all of them rather than one of them; each cost is the median of the rounds, with their range.
/// </summary>
internal static class CostComparison
{
    const int Rounds = 3;

    /// <summary>A per-step time in milliseconds: the median of the rounds, and their smallest and largest.</summary>
    internal sealed record StepCost(double Median, double Min, double Max)
    {
        public static StepCost Of(List<double> rounds)
        {
            var sorted = rounds.Order().ToArray();
            return new StepCost(sorted[sorted.Length / 2], sorted[0], sorted[^1]);
        }
    }

    /// <summary>Per-step training time of the unconditional score model, the conditional one and the DLSM + CE classifier. A step's
    /// time is that of a 25-step run less a 5-step run, over 20, so the set-up of a run cancels.</summary>
    public static Dictionary<string, StepCost> Training(Func<string, int, double> fitSeconds)
    {
        var names = new[] { "score", "conditional", "dlsm_ce" };
        var rounds = names.ToDictionary(n => n, _ => new List<double>());
        foreach (var name in names) fitSeconds(name, 5);   // warm-up: JIT, libtorch's first allocations
        for (int round = 0; round < Rounds; round++)
            foreach (var name in names)
                rounds[name].Add(Math.Max(0, fitSeconds(name, 25) - fitSeconds(name, 5)) * 1000 / 20);
        return rounds.ToDictionary(p => p.Key, p => StepCost.Of(p.Value));
    }

    /// <summary>Per-sampler-step time of each sampler on <paramref name="classes"/> (the same requests for all), over
    /// <paramref name="steps"/> steps.</summary>
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
            }
        return rounds.ToDictionary(p => p.Key, p => StepCost.Of(p.Value));
    }
}
