using ScoreML.Networks;
namespace ScoreML;

/// <summary>The nonlinearity between hidden layers.</summary>
public enum Activation
{
    /// <summary>x * sigmoid(x), smooth: its second derivatives, which SSM, exact SM and DLSM backpropagate through, are not zero.</summary>
    SiLU,
    /// <summary>max(0, x), as in the DLSM toy code.</summary>
    ReLU,
}
