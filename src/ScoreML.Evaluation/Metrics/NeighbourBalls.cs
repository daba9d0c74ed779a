namespace ScoreML.Evaluation.Metrics;

/// <summary>
/// The k-NN balls of a point set as squared radii: in float64 for exact decisions, and in float32 with a margin for the
/// float32 rounding of each radius (2^-23 of it, twice the worst case) for the fast ones.
/// </summary>
internal sealed class NeighbourBalls
{
    public NeighbourBalls(double[] squaredRadii)
    {
        Radius = squaredRadii;
        Radius32 = squaredRadii.Select(r => (float)r).ToArray();
        Slack32 = Radius32.Select(r => r * (float)Math.Pow(2, -23)).ToArray();
    }

    public double[] Radius { get; }
    public float[] Radius32 { get; }
    public float[] Slack32 { get; }
}
