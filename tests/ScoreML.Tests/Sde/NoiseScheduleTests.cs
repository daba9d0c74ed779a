
namespace ScoreML.Tests.Sde;

[TestClass]
public sealed class NoiseScheduleTests
{
    [TestMethod]
    [DataRow(NoiseScheduleKind.Geometric)]
    [DataRow(NoiseScheduleKind.Linear)]
    [DataRow(NoiseScheduleKind.Cosine)]
    [DataRow(NoiseScheduleKind.Sigmoid)]
    public void LevelsRunFromSigmaMaxDownToSigmaMin(NoiseScheduleKind kind)
    {
        double[] levels = NoiseSchedule.Levels(kind, 0.01, 50, 20);
        Assert.HasCount(20, levels);
        Assert.AreEqual(50, levels[0], 1e-9);
        Assert.AreEqual(0.01, levels[^1], 1e-9);
        for (int i = 1; i < levels.Length; i++) Assert.IsLessThan(levels[i - 1], levels[i], $"{kind}: level {i} is not below level {i - 1}");
    }

    [TestMethod]
    public void GeometricLevelsHaveAConstantRatioAndLinearAConstantStep()
    {
        double[] geometric = NoiseSchedule.Levels(NoiseScheduleKind.Geometric, 0.01, 1, 5);
        for (int i = 1; i < 5; i++) Assert.AreEqual(Math.Pow(0.01, 0.25), geometric[i] / geometric[i - 1], 1e-12);
        double[] linear = NoiseSchedule.Levels(NoiseScheduleKind.Linear, 1, 9, 5);
        CollectionAssert.AreEqual(new[] { 9.0, 7, 5, 3, 1 }, linear.Select(v => Math.Round(v, 12)).ToArray());
    }

    [TestMethod]
    public void SchedulesThatDifferAreDifferent()
    {
        var all = Enum.GetValues<NoiseScheduleKind>().Select(k => NoiseSchedule.Levels(k, 0.01, 50, 10)[5]).ToArray();
        Assert.AreEqual(all.Length, all.Distinct().Count(), "each schedule should place its middle level differently");
    }

    [TestMethod]
    public void BadArgumentsAreRefused()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => NoiseSchedule.Levels(NoiseScheduleKind.Geometric, 1, 1, 10));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => NoiseSchedule.Levels(NoiseScheduleKind.Geometric, 0, 1, 10));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => NoiseSchedule.Levels(NoiseScheduleKind.Geometric, 0.1, 1, 1));
    }
}
