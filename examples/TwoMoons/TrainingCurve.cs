namespace TwoMoons;

/// <summary>D_P, D_L (mean of the two classes) and cross-entropy of one classifier over its training steps: the paper's ablation.</summary>
internal sealed class TrainingCurve
{
    public List<int> Steps { get; } = new();
    public List<double> PosteriorError { get; } = new();
    public List<double> LikelihoodError { get; } = new();
    public List<double> CrossEntropy { get; } = new();

    public void Add(int step, double[] posteriorError, double[] likelihoodError, double crossEntropy)
    {
        Steps.Add(step);
        PosteriorError.Add(posteriorError.Average());
        LikelihoodError.Add(likelihoodError.Average());
        CrossEntropy.Add(crossEntropy);
    }
}
