namespace ScoreML.Tests.Options;

/// <summary>
/// Code written against the first release keeps compiling and means the same: the renamed MLP options (NetworkOptions,
/// the options' Network property) forward to MlpOptions and Mlp.
/// </summary>
[TestClass]
public sealed class ObsoleteForwardTests
{
#pragma warning disable CS0618   // the obsolete names are what is tested
    [TestMethod]
    public void NetworkOptionsAndTheNetworkPropertyForwardToMlp()
    {
        var scoreOptions = new ScoreModelOptions { Network = new NetworkOptions { HiddenSizes = new[] { 7 } } };
        CollectionAssert.AreEqual(new[] { 7 }, scoreOptions.Mlp.HiddenSizes);
        Assert.AreSame(scoreOptions.Mlp, scoreOptions.Network);

        var classifierOptions = new DlsmClassifierOptions();
        classifierOptions.Network.HiddenSizes = new[] { 5, 5 };
        CollectionAssert.AreEqual(new[] { 5, 5 }, classifierOptions.Mlp.HiddenSizes);
        classifierOptions.Network.ScaleOutputBySigma = true;
        var e = Assert.ThrowsExactly<ArgumentException>(classifierOptions.Validate);
        StringAssert.Contains(e.Message, "Mlp.ScaleOutputBySigma");
    }
#pragma warning restore CS0618
}
