namespace ScoreML;

/// <summary>
/// Two-sided quantiles of Student's t with a whole number of degrees of freedom, and of the standard normal (infinite degrees
/// of freedom), exact to round-off: P(|T| &lt;= t) has a closed form for whole ν (Abramowitz and Stegun 26.7.3-4), and
/// bisection inverts it. Few seeds make the t quantile large (12.7 at one degree of freedom, 4.30 at two), which the normal
/// quantile would hide.
/// </summary>
internal static class StudentT
{
    /// <summary>t such that P(|T| &lt;= t) = <paramref name="level"/> for ν = <paramref name="degreesOfFreedom"/> (∞ for the normal).</summary>
    public static double TwoSidedQuantile(double level, double degreesOfFreedom)
    {
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "The level lies in (0, 1).");
        bool normal = double.IsPositiveInfinity(degreesOfFreedom);
        if (!normal && !(degreesOfFreedom >= 1 && degreesOfFreedom == Math.Floor(degreesOfFreedom) && degreesOfFreedom <= 1e6))
            throw new ArgumentOutOfRangeException(nameof(degreesOfFreedom), degreesOfFreedom, "Degrees of freedom are a whole number from 1 to 1e6, or infinity.");
        Func<double, double> central = normal ? NormalCentral : t => TCentral(t, (int)degreesOfFreedom);
        double low = 0, high = 1;
        while (central(high) < level) high *= 2;
        for (int i = 0; i < 200 && high - low > 1e-13 * high; i++)
        {
            double middle = (low + high) / 2;
            if (central(middle) < level) low = middle; else high = middle;
        }
        return (low + high) / 2;
    }

    /// <summary>P(|T| &lt;= t) for ν degrees of freedom: with θ = atan(t / sqrt ν), a finite sum in cos θ.</summary>
    static double TCentral(double t, int nu)
    {
        double theta = Math.Atan(t / Math.Sqrt(nu)), sin = Math.Sin(theta), cos = Math.Cos(theta), cos2 = cos * cos;
        if (nu % 2 == 0)
        {
            // sin θ (1 + cos²θ / 2 + 1·3 cos⁴θ / (2·4) + ... up to cos^(ν-2) θ)
            double term = 1, sum = 1;
            for (int k = 2; k <= nu - 2; k += 2)
            {
                term *= cos2 * (k - 1) / k;
                sum += term;
            }
            return sin * sum;
        }
        if (nu == 1) return 2 * theta / Math.PI;
        // (2 / π) (θ + sin θ (cos θ + 2 cos³θ / 3 + ... up to cos^(ν-2) θ))
        double odd = cos, total = cos;
        for (int k = 3; k <= nu - 2; k += 2)
        {
            odd *= cos2 * (k - 1) / k;
            total += odd;
        }
        return 2 / Math.PI * (theta + sin * total);
    }

    /// <summary>P(|Z| &lt;= z) = erf(z / sqrt 2), from erf's Taylor series (exact to round-off for the z of any useful level).</summary>
    static double NormalCentral(double z)
    {
        double x = z / Math.Sqrt(2);
        if (x > 6) return 1;
        double term = x, sum = x, x2 = x * x;
        for (int n = 1; n < 500 && Math.Abs(term) > 1e-17 * Math.Abs(sum); n++)
        {
            term *= -x2 / n;
            sum += term / (2 * n + 1);
        }
        return Math.Min(1, 2 / Math.Sqrt(Math.PI) * sum);
    }
}
