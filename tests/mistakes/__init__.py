"""The mistake catalog: one wrong implementation per file, each a mistake learners really make.

Every file defines ``EXERCISE`` (the exercise it targets, a key of ``gan_lab.checks.EXERCISES``),
``HINT`` (a phrase the check's message must contain), a docstring describing the mistake, and the
wrong function or class under the exercise's name. ``tests/test_mistakes.py`` runs each through its
check; ``tests/test_nbgrader.py`` pastes a few into submissions.
"""

import importlib.util
from pathlib import Path
from types import ModuleType

import nbformat

HERE = Path(__file__).resolve().parent

# mistakes pasted into otherwise-solved submissions by the nbgrader test: name -> (lesson, exercise)
MISTAKE_SUBMISSIONS = {
    "l1_generator_sigmoid_output": ("01_noise_and_mlp_blocks", "MLPGenerator"),
    "l2_sigmoid_before_with_logits": ("02_losses", "discriminator_loss"),
    "l3_forgot_detach": ("03_training_step", "d_step"),
    "l4_wrong_flatten_size": ("04_conv_gan_64", "Conv64Discriminator"),
    "l5_fixed_noise_cuda": ("05_dcgan_gpu", "fixed_noise"),
    "l7_elementwise_sqrt": ("07_evaluation", "frechet_distance"),
}
ROOT = HERE.parents[1]


def catalog() -> dict[str, ModuleType]:
    """Every mistake file, loaded as a module: name -> module (with EXERCISE, HINT and the wrong code)."""
    mistakes = {}
    for path in sorted(HERE.glob("l[0-9]_*.py")):
        spec = importlib.util.spec_from_file_location(f"mistake_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        mistakes[path.stem] = module
    return mistakes


def source(name: str) -> str:
    """The text of a mistake file (pasted into a notebook's solution cell by the nbgrader test)."""
    return (HERE / f"{name}.py").read_text()


def _is_import_only(code: str) -> bool:
    lines = [line for line in code.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return all(line.startswith(("import ", "from ")) for line in lines)


def solution_namespace(lesson: str) -> dict:
    """Run a solution notebook's setup, solution and import-only cells (not the grade cells nor the demos)
    in one namespace: the reference solutions, as the instructor wrote them."""
    nb = nbformat.read(ROOT / "solutions" / lesson / f"{lesson}.ipynb", as_version=4)
    namespace: dict = {"__name__": f"solution_{lesson}"}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            continue
        if meta.get("solution") or meta.get("grade_id") == "setup" or _is_import_only(cell.source):
            exec(compile(cell.source, f"<{lesson}:{meta.get('grade_id', 'code')}>", "exec"), namespace)
    return namespace
