r"""Sample-quality metrics for GANs on MNIST, written from the papers.

References:
- Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
  Equilibrium" (Frechet Inception Distance, FID).
- Binkowski et al. 2018, "Demystifying MMD GANs" (Kernel Inception Distance, KID: unbiased MMD with
  the cubic polynomial kernel, averaged over subsets).
- Salimans et al. 2016, "Improved Techniques for Training GANs", section 4 (Inception Score, IS).
- Kynkaanniemi et al. 2019, "Improved Precision and Recall Metric for Assessing Generative Models"
  (k-nearest-neighbour manifolds, k = 3).

Inputs. Every function here takes classifier outputs, not images: ``features`` (N, D) from the
penultimate layer of ``gan_lab.models.classifier.MNISTClassifier`` and ``logits`` (N, 10) from its last
layer. That classifier expects (N, 1, 28, 28) images in [-1, 1]; ``gan_lab.evaluate.to_classifier_input``
downsizes 64x64 images with antialiased bilinear interpolation first. Because the feature network is a
digit classifier and not Inception-v3, the numbers are comparable with each other, within this course,
and not with FIDs published for other feature networks.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from gan_lab.runtime import GanLabError, GanLabTypeError, describe, expect_int


def _rows(name: str, values: object, min_rows: int = 2, width: str = "D") -> torch.Tensor:
    """``values`` (N, D) as a float64 CPU tensor: a tensor or an array, 2-D, at least ``min_rows`` rows, finite."""
    if not isinstance(values, (torch.Tensor, np.ndarray)):
        raise GanLabTypeError(f"expected {name} as a tensor or array of shape (N, {width}), got {describe(values)}")
    x = torch.as_tensor(values)
    if x.ndim != 2 or x.shape[0] < min_rows or x.shape[1] < 1:
        raise GanLabError(f"expected {name} of shape (N, {width}) with N >= {min_rows}, got {tuple(x.shape)}")
    if x.dtype == torch.bool or x.is_complex():
        raise GanLabTypeError(f"expected {name} as real numbers, got {x.dtype}")
    x = x.detach().double().cpu()
    bad = int((~torch.isfinite(x)).sum())
    if bad:
        raise GanLabError(f"expected finite {name}, got {bad} NaN or infinite values (did the generator diverge?)")
    return x


def _same_width(name1: str, x1: torch.Tensor, name2: str, x2: torch.Tensor) -> None:
    if x1.shape[1] != x2.shape[1]:
        raise GanLabError(
            f"expected {name1} and {name2} with the same number of columns D, got {x1.shape[1]} and {x2.shape[1]}"
        )


def _class_labels(name: str, values: object, num_classes: int | None) -> torch.Tensor:
    """Class indices (N,) as int64, in [0, num_classes) unless None: integers only, so logits passed by mistake are caught."""
    if num_classes is not None:
        expect_int("num_classes", num_classes)
    if not isinstance(values, (torch.Tensor, np.ndarray, list, tuple)):
        raise GanLabTypeError(f"expected {name} as a tensor or array of class indices (N,), got {describe(values)}")
    x = torch.as_tensor(values)
    if x.is_floating_point() or x.dtype == torch.bool or x.is_complex():
        raise GanLabTypeError(
            f"expected {name} as integer class indices (N,), got {x.dtype} (logits? take .argmax(1) first)"
        )
    if x.ndim != 1 or x.shape[0] < 1:
        raise GanLabError(f"expected {name} of shape (N,) with N >= 1, got {tuple(x.shape)}")
    x = x.long()
    if num_classes is not None and (int(x.min()) < 0 or int(x.max()) >= num_classes):
        raise GanLabError(f"expected {name} in [0, {num_classes}), got values from {int(x.min())} to {int(x.max())}")
    return x


def mean_and_covariance(features: torch.Tensor | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Mean $\mu$ (D,) and unbiased covariance $\Sigma$ (D, D) of features (N, D), in float64."""
    x = _rows("features", features).numpy()  # float64: FID subtracts nearly equal numbers
    return x.mean(0), np.cov(x, rowvar=False)


def _sqrtm_psd(a: np.ndarray) -> np.ndarray:
    """Square root of a symmetric positive semi-definite matrix from its eigendecomposition."""
    w, v = np.linalg.eigh((a + a.T) / 2)  # symmetrise: rounding makes a covariance slightly asymmetric
    return (v * np.sqrt(np.clip(w, 0.0, None))) @ v.T


def frechet_distance(mu1: np.ndarray, sigma1: np.ndarray, mu2: np.ndarray, sigma2: np.ndarray) -> float:
    r"""Frechet (2-Wasserstein) distance between the Gaussians $N(\mu_1, \Sigma_1)$ and $N(\mu_2, \Sigma_2)$.

    $$d^2 = \lVert \mu_1 - \mu_2 \rVert_2^2 + \operatorname{tr}\Sigma_1 + \operatorname{tr}\Sigma_2
    - 2 \operatorname{tr}\big(\Sigma_1 \Sigma_2\big)^{1/2}$$

    The trace of the square root is computed without a general matrix square root:
    $\Sigma_1\Sigma_2$ is similar to the symmetric $S = \Sigma_1^{1/2}\Sigma_2\Sigma_1^{1/2}$, so
    $\operatorname{tr}(\Sigma_1\Sigma_2)^{1/2} = \sum_i \sqrt{\lambda_i(S)}$ with real eigenvalues
    $\lambda_i(S) \ge 0$; no complex parts to discard, unlike ``scipy.linalg.sqrtm``.
    """
    mu1, mu2 = np.asarray(mu1, np.float64), np.asarray(mu2, np.float64)
    sigma1, sigma2 = np.asarray(sigma1, np.float64), np.asarray(sigma2, np.float64)
    d = mu1.shape[0] if mu1.ndim == 1 else -1
    if d < 1 or mu2.shape != (d,) or sigma1.shape != (d, d) or sigma2.shape != (d, d):
        raise GanLabError(
            "expected mu1, mu2 of shape (D,) and sigma1, sigma2 of shape (D, D), got "
            f"{mu1.shape}, {sigma1.shape}, {mu2.shape}, {sigma2.shape}"
        )
    root1 = _sqrtm_psd(sigma1)
    s = root1 @ sigma2 @ root1  # (D, D), symmetric positive semi-definite
    eig = np.linalg.eigvalsh((s + s.T) / 2)
    tr_covmean = np.sqrt(np.clip(eig, 0.0, None)).sum()
    diff = mu1 - mu2
    return float(max(0.0, diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * tr_covmean))


def fid_from_features(features1: torch.Tensor | np.ndarray, features2: torch.Tensor | np.ndarray) -> float:
    """FID between two feature sets (N1, D) and (N2, D): the Frechet distance of their Gaussian fits."""
    _same_width("features1", _rows("features1", features1), "features2", _rows("features2", features2))
    return frechet_distance(*mean_and_covariance(features1), *mean_and_covariance(features2))


def polynomial_kernel(x: torch.Tensor, y: torch.Tensor, degree: int = 3, coef: float = 1.0) -> torch.Tensor:
    r"""$k(x, y) = (x^\top y / D + c)^d$ for all pairs: (N, D), (M, D) -> (N, M). Binkowski et al.'s default."""
    return (x @ y.T / x.shape[1] + coef) ** degree


def mmd2_unbiased(x: torch.Tensor, y: torch.Tensor, degree: int = 3, coef: float = 1.0) -> float:
    r"""Unbiased estimate of $\mathrm{MMD}^2$ between samples $x$ (m, D) and $y$ (n, D).

    $$\widehat{\mathrm{MMD}}^2 = \frac{1}{m(m-1)}\sum_{i \ne j} k(x_i, x_j)
    + \frac{1}{n(n-1)}\sum_{i \ne j} k(y_i, y_j) - \frac{2}{mn}\sum_{i, j} k(x_i, y_j)$$

    Unbiased: its expectation is the true $\mathrm{MMD}^2$, so it can be slightly negative.
    """
    m, n = x.shape[0], y.shape[0]
    k_xx, k_yy, k_xy = (
        polynomial_kernel(x, x, degree, coef),
        polynomial_kernel(y, y, degree, coef),
        polynomial_kernel(x, y, degree, coef),
    )
    sum_xx = k_xx.sum() - k_xx.diagonal().sum()  # i != j: the diagonal terms k(x_i, x_i) are left out
    sum_yy = k_yy.sum() - k_yy.diagonal().sum()
    return float(sum_xx / (m * (m - 1)) + sum_yy / (n * (n - 1)) - 2.0 * k_xy.sum() / (m * n))


def kid(
    features1: torch.Tensor | np.ndarray,
    features2: torch.Tensor | np.ndarray,
    subsets: int = 100,
    subset_size: int = 1000,
    seed: int = 0,
) -> tuple[float, float]:
    """KID: mean and standard deviation of the unbiased MMD^2 over ``subsets`` random subsets.

    Each subset draws ``min(subset_size, N1, N2)`` rows without replacement from each set (Binkowski
    et al. average over subsets to bound the cost, O(subset_size^2) per subset).
    """
    x, y = _rows("features1", features1), _rows("features2", features2)
    _same_width("features1", x, "features2", y)
    expect_int("subsets", subsets)
    size = min(expect_int("subset_size", subset_size, minimum=2), x.shape[0], y.shape[0])
    rng = torch.Generator().manual_seed(seed)
    values = []
    for _ in range(subsets):
        ix = torch.randperm(x.shape[0], generator=rng)[:size]
        iy = torch.randperm(y.shape[0], generator=rng)[:size]
        values.append(mmd2_unbiased(x[ix], y[iy]))
    v = torch.tensor(values, dtype=torch.float64)
    return float(v.mean()), float(v.std(unbiased=False)) if subsets > 1 else 0.0


def inception_score(logits: torch.Tensor | np.ndarray, splits: int = 10) -> tuple[float, float]:
    r"""Inception Score with a digit classifier: mean and standard deviation over ``splits`` splits.

    $$\mathrm{IS} = \exp\Big(\mathbb{E}_x\, \mathrm{KL}\big(p(y \mid x)\,\Vert\,p(y)\big)\Big),
    \qquad p(y) = \mathbb{E}_x\, p(y \mid x)$$

    High when each image is classified confidently (low entropy of $p(y|x)$) and the classes are
    balanced (high entropy of $p(y)$); it lies in $[1, K]$, so at most 10 on MNIST. The splits are
    consecutive rows, as in the paper's code: shuffle inputs that are sorted by class first. It never looks at
    real images: it cannot tell a perfect copy of one digit per class from genuine variety.
    """
    expect_int("splits", splits)
    logits = _rows("logits", logits, min_rows=splits, width="K")  # at least one image per split
    log_p = torch.log_softmax(logits, dim=1)  # (N, K): log p(y|x), stable for large logits
    scores = []
    for chunk in torch.tensor_split(log_p, splits):
        log_py = torch.logsumexp(chunk, 0) - math.log(chunk.shape[0])  # (K,): log of the mean p(y|x)
        kl = (chunk.exp() * (chunk - log_py)).sum(1)  # (n,): KL(p(y|x) || p(y)) per image
        scores.append(float(kl.mean().exp()))
    s = torch.tensor(scores, dtype=torch.float64)
    return float(s.mean()), float(s.std(unbiased=False)) if splits > 1 else 0.0


def inception_score_terms(logits: torch.Tensor | np.ndarray) -> dict[str, float]:
    r"""The two entropies (in nats) the Inception Score trades off, over all rows at once.

    $$\log \mathrm{IS}_1 = \underbrace{H\big(p(y)\big)}_{\text{class balance}}
    - \underbrace{\mathbb{E}_x\, H\big(p(y \mid x)\big)}_{\text{uncertainty per image}}$$

    (the identity holds for one split: $\mathbb{E}_x \mathrm{KL}(p(y|x) \Vert p(y)) = H(p(y)) -
    \mathbb{E}_x H(p(y|x))$). Balance is at most $\log 10 \approx 2.303$ on MNIST; uncertainty is 0
    for perfectly confident predictions. Seeing them apart tells *why* a score is low: collapse to
    a few classes lowers the first, ambiguous images raise the second.
    """
    log_p = torch.log_softmax(_rows("logits", logits, min_rows=1, width="K"), dim=1)  # (N, K)
    log_py = torch.logsumexp(log_p, 0) - math.log(log_p.shape[0])  # (K,)
    return {
        "class_entropy": float(-(log_py.exp() * log_py).sum()),
        "mean_conditional_entropy": float(-(log_p.exp() * log_p).sum(1).mean()),
    }


def _kth_nn_radii(x: torch.Tensor, k: int, chunk: int = 2048) -> torch.Tensor:
    """Distance (N,) from each row of x (N, D) to its k-th nearest other row (the point itself excluded)."""
    radii = []
    for start in range(0, x.shape[0], chunk):
        d = torch.cdist(x[start : start + chunk], x)  # (chunk, N)
        # the k+1 smallest include the zero distance of a point to itself
        radii.append(d.topk(k + 1, dim=1, largest=False).values[:, k])
    return torch.cat(radii)


def _inside_fraction(points: torch.Tensor, centres: torch.Tensor, radii: torch.Tensor, chunk: int = 2048) -> float:
    """Fraction of ``points`` (M, D) inside at least one ball B(centres_j, radii_j)."""
    inside = 0
    for start in range(0, points.shape[0], chunk):
        d = torch.cdist(points[start : start + chunk], centres)  # (chunk, N)
        inside += (d <= radii.unsqueeze(0)).any(1).sum().item()
    return inside / points.shape[0]


def precision_recall(
    real_features: torch.Tensor | np.ndarray, fake_features: torch.Tensor | np.ndarray, k: int = 3
) -> tuple[float, float]:
    r"""Improved precision and recall (Kynkaanniemi et al. 2019) with k-nearest-neighbour manifolds.

    The manifold of a set $\Phi$ is the union of balls around its points, each with the radius of the
    distance to that point's k-th nearest neighbour in $\Phi$:
    $f(\phi, \Phi) = 1$ if $\lVert\phi - \phi'\rVert_2 \le \lVert\phi' - \mathrm{NN}_k(\phi', \Phi)\rVert_2$
    for some $\phi' \in \Phi$. Then
    $\mathrm{precision} = \frac{1}{|\Phi_g|}\sum_{\phi \in \Phi_g} f(\phi, \Phi_r)$ (fakes that land on
    the real manifold: fidelity) and
    $\mathrm{recall} = \frac{1}{|\Phi_r|}\sum_{\phi \in \Phi_r} f(\phi, \Phi_g)$ (reals that land on the
    fake manifold: diversity). Returns ``(precision, recall)``, each in [0, 1].
    """
    k = expect_int("k", k)
    real = _rows("real_features", real_features, min_rows=k + 1).float()
    fake = _rows("fake_features", fake_features, min_rows=k + 1).float()
    _same_width("real_features", real, "fake_features", fake)
    if min(real.shape[0], fake.shape[0]) <= k:
        raise GanLabError(f"precision/recall with k={k} needs more than {k} samples in each set")
    precision = _inside_fraction(fake, real, _kth_nn_radii(real, k))
    recall = _inside_fraction(real, fake, _kth_nn_radii(fake, k))
    return precision, recall


def mode_coverage(labels: torch.Tensor | np.ndarray, num_classes: int = 10, min_share: float = 0.1) -> dict:
    r"""Class histogram of generated digits (as the classifier labels them), classes covered, KL to uniform.

    A class counts as covered when it receives at least ``min_share`` of its uniform share
    ($0.1 \times N/K$, i.e. 1% of the samples on MNIST), so a handful of stray misclassified images
    does not hide a collapsed mode. $\mathrm{KL}(\hat p \Vert u) = \sum_c \hat p_c \log(K \hat p_c)$ is
    0 for a perfectly balanced generator and $\log K \approx 2.30$ when every image is the same class.
    """
    labels = _class_labels("labels", labels, num_classes)
    if not isinstance(min_share, (int, float)) or not 0 <= min_share <= 1:
        raise GanLabError(f"expected min_share in [0, 1] (a share of the uniform count), got {min_share!r}")
    counts = torch.bincount(labels, minlength=num_classes).double()  # (K,)
    p = counts / counts.sum()
    nz = p > 0
    kl = float((p[nz] * torch.log(p[nz] * num_classes)).sum())
    covered = int((counts >= min_share * counts.sum() / num_classes).sum())
    return {"histogram": [int(c) for c in counts], "classes_covered": covered, "kl_to_uniform": kl}


def class_agreement(
    predicted: torch.Tensor | np.ndarray, requested: torch.Tensor | np.ndarray, num_classes: int = 10
) -> list[float]:
    r"""Per requested class $c$, the share of images asked to be $c$ that the classifier reads as $c$.

    $$a_c = \frac{|\{i : y_i = c,\ \hat y_i = c\}|}{|\{i : y_i = c\}|}$$

    with $y$ the requested classes of a conditional generator (Mirza & Osindero 2014) and $\hat y$ the
    classifier's labels. NaN for a class never requested: no images, no agreement to report.
    """
    predicted = _class_labels("predicted", predicted, None)  # any class of the classifier: others just disagree
    requested = _class_labels("requested", requested, num_classes)
    if predicted.shape != requested.shape:
        raise GanLabError(f"predicted {tuple(predicted.shape)} and requested {tuple(requested.shape)} differ")
    asked = torch.bincount(requested, minlength=num_classes).double()  # (K,)
    agreed = torch.bincount(requested[predicted == requested], minlength=num_classes).double()  # (K,)
    return [float(a / n) if n > 0 else float("nan") for a, n in zip(agreed, asked)]
