using ScoreML.Data;
namespace ScoreML;

/// <summary>
/// Built-in 2-D data sets, deterministic by seed. Each returns labelled points; <see cref="ScoreMatchingDataCatalog"/>
/// wraps them as IDataViews.
/// </summary>
public static class ToyDataSets
{
    /// <summary>
    /// Two interleaving half circles, generated as scikit-learn's make_moons(shuffle=True, noise): the outer
    /// moon (label 0) has n/2 points at (cos a, sin a), the inner (label 1) the rest at (1 - cos a, 1/2 - sin a),
    /// a evenly spaced on [0, pi], then Gaussian noise of std <paramref name="noise"/>. The DLSM study centres
    /// the set (subtracting the moons' centre (1/2, 1/4)) and scales it by 20.
    /// </summary>
    public static LabelledPoints TwoMoons(int count, double noise = 0.1, int seed = 0, bool center = false, double scale = 1.0)
    {
        RequirePositive(count, nameof(count));
        var rng = new SeededNormal(seed);
        int outer = count / 2, inner = count - outer;
        var points = new List<(double X, double Y, int Label)>(count);
        for (int i = 0; i < outer; i++)
        {
            double a = outer == 1 ? 0 : Math.PI * i / (outer - 1);
            points.Add((Math.Cos(a), Math.Sin(a), 0));
        }
        for (int i = 0; i < inner; i++)
        {
            double a = inner == 1 ? 0 : Math.PI * i / (inner - 1);
            points.Add((1 - Math.Cos(a), 1 - Math.Sin(a) - 0.5, 1));
        }
        var order = rng.Permutation(count);
        var features = new float[count * 2];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            var (x, y, label) = points[order[i]];
            x += noise * rng.Next();
            y += noise * rng.Next();
            if (center) { x -= 0.5; y -= 0.25; }
            features[2 * i] = (float)(x * scale);
            features[2 * i + 1] = (float)(y * scale);
            labels[i] = label;
        }
        return new LabelledPoints(features, 2, labels, 2);
    }

    /// <summary>
    /// The 4x4 checkerboard on [-4, 4]^2 with the 8 squares whose integer parts (of x/2 and y/2) have an even
    /// sum occupied, uniformly (the FFJORD / LCSS toy). The label is the occupied square's index 0..7.
    /// </summary>
    public static LabelledPoints Checkerboard(int count, int seed = 0)
    {
        RequirePositive(count, nameof(count));
        var rng = new SeededNormal(seed);
        var features = new float[count * 2];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            double x1 = rng.Uniform() * 4 - 2;
            double x2 = rng.Uniform() - rng.Integer(2) * 2;
            x2 += Mod(Math.Floor(x1), 2);
            features[2 * i] = (float)(x1 * 2);
            features[2 * i + 1] = (float)(x2 * 2);
            labels[i] = CheckerboardSquare(features[2 * i], features[2 * i + 1]);
        }
        return new LabelledPoints(features, 2, labels, 8);
    }

    /// <summary>True when (x, y) lies on one of the checkerboard's 8 occupied squares.</summary>
    public static bool IsOnCheckerboard(double x, double y) =>
        x >= -4 && x < 4 && y >= -4 && y < 4 && Mod(Math.Floor(x / 2) + Math.Floor(y / 2), 2) == 0;

    static int CheckerboardSquare(double x, double y)
    {
        int column = (int)Math.Floor(x / 2) + 2, row = (int)Math.Floor(y / 2) + 2;   // 0..3 each
        return Math.Clamp(row * 2 + column / 2, 0, 7);
    }

    /// <summary>
    /// <paramref name="components"/> equal-weight isotropic Gaussians of std <paramref name="std"/> with means
    /// evenly spaced on a circle of <paramref name="radius"/>, starting at angle 0. The label is the component.
    /// </summary>
    public static LabelledPoints GaussianMixture(int count, int components = 8, double radius = 4, double std = 0.2, int seed = 0)
    {
        RequirePositive(count, nameof(count));
        RequirePositive(components, nameof(components));
        if (!(std > 0)) throw new ArgumentOutOfRangeException(nameof(std), std, "The component std must be positive.");
        var rng = new SeededNormal(seed);
        var means = GaussianMixtureMeans(components, radius);
        var features = new float[count * 2];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            int k = rng.Integer(components);
            features[2 * i] = (float)(means[k][0] + std * rng.Next());
            features[2 * i + 1] = (float)(means[k][1] + std * rng.Next());
            labels[i] = k;
        }
        return new LabelledPoints(features, 2, labels, components);
    }

    /// <summary>The component means that <see cref="GaussianMixture"/> uses.</summary>
    public static double[][] GaussianMixtureMeans(int components, double radius) =>
        Enumerable.Range(0, components)
            .Select(k => new[] { radius * Math.Cos(2 * Math.PI * k / components), radius * Math.Sin(2 * Math.PI * k / components) })
            .ToArray();

    /// <summary>
    /// The 2-D swiss roll of scikit-learn's make_swiss_roll (the x-z plane): t = 1.5 pi (1 + 2u),
    /// (t cos t, t sin t) + noise, multiplied by <paramref name="scale"/>. Labelled 0 for the inner half of t, 1 for the outer.
    /// </summary>
    public static LabelledPoints SwissRoll(int count, double noise = 0.5, int seed = 0, double scale = 0.2)
    {
        RequirePositive(count, nameof(count));
        var rng = new SeededNormal(seed);
        var features = new float[count * 2];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            double u = rng.Uniform();
            double t = 1.5 * Math.PI * (1 + 2 * u);
            features[2 * i] = (float)((t * Math.Cos(t) + noise * rng.Next()) * scale);
            features[2 * i + 1] = (float)((t * Math.Sin(t) + noise * rng.Next()) * scale);
            labels[i] = u < 0.5 ? 0 : 1;
        }
        return new LabelledPoints(features, 2, labels, 2);
    }

    static double Mod(double a, double m) => a - m * Math.Floor(a / m);

    static void RequirePositive(int value, string name)
    {
        if (value <= 0) throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive.");
    }
}
