"""Write the hostile corpus: submissions that try to break, bend or escape the grader, and honest ones.

``python tests/hostile/make_corpus.py`` rewrites ``tests/hostile/corpus/<student>/<lesson>/`` from
the solution notebooks (rerun it after the lessons change) and ``tests/hostile/expected.json``: for each
student, the lesson, the score it deserves and the start of its status. Most use lesson 06 (numpy
only, a few seconds each); three use lesson 01 (torch). Each entry's docstring-like ``why`` says what
it tries. ``tests/test_grading_hostile.py`` grades them all in one batch.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from mistakes import source  # noqa: E402

from gan_lab.checks import LESSONS  # noqa: E402

L6, L1 = "06_theory", "01_noise_and_mlp_blocks"
P6, P1 = LESSONS[L6], LESSONS[L1]
FULL6, FULL1 = sum(P6.values()), sum(P1.values())
KL = source("l6_jsd_is_kl")  # a wrong jsd: every cheat below comes with it, so a credited jsd is a cheat that worked

# name -> (lesson, what it does, edits, deserved score, status prefix)
# edits: list of (operation, grade_id, code); operations: replace, prepend, before (a new cell), drop_grades, kernel
CORPUS: dict[str, tuple] = {
    "honest_full": (L6, "the solution", [], FULL6, "graded"),
    "honest_partial": (L6, "a realistic mistake (KL for JSD)", [("replace", "jsd", KL)], FULL6 - P6["jsd"], "graded"),
    "honest_blank": (L6, "the untouched release", "blank", 0, "graded"),
    "infinite_loop": (
        L6,
        "a cell that never ends",
        [("prepend", "jsd", "while True:\n    pass\n")],
        FULL6 - P6["jsd"],
        "graded",
    ),
    "loop_ignores_interrupt": (
        L6,
        "a loop that swallows every interrupt (the cell timeout too): the wall clock ends it",
        [
            (
                "before",
                "value_at_optimum",
                "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass\n",
            )
        ],
        P6["optimal_discriminator"] + P6["jsd"],
        "partial",
    ),
    "sleep": (
        L6,
        "time.sleep for hours",
        [("prepend", "jsd", "import time\ntime.sleep(10_000)\n")],
        FULL6 - P6["jsd"],
        "graded",
    ),
    "memory_bomb_4tb": (
        L6,
        "a 4 TB allocation",
        [("prepend", "jsd", "big = np.ones(2**39)\n")],
        FULL6 - P6["jsd"],
        "graded",
    ),
    "memory_bomb_growing": (
        L6,
        "allocate until the memory limit",
        [("prepend", "jsd", "hoard = []\nwhile True:\n    hoard.append(np.ones(2**24))\n")],
        FULL6 - P6["jsd"],
        "graded",
    ),
    "sys_exit": (
        L6,
        "sys.exit() in a cell",
        [("prepend", "jsd", "import sys\nsys.exit(0)\n")],
        FULL6 - P6["jsd"],
        "graded",
    ),
    "os_exit": (
        L6,
        "os._exit(0) after two exercises: the process is gone",
        [("before", "value_at_optimum", "import os\nos._exit(0)\n")],
        P6["optimal_discriminator"] + P6["jsd"],
        "partial",
    ),
    "keyboard_interrupt": (
        L6,
        "raise KeyboardInterrupt",
        [("prepend", "jsd", "raise KeyboardInterrupt\n")],
        FULL6 - P6["jsd"],
        "graded",
    ),
    "deleted_grade_cells": (
        L6,
        "every grade cell deleted (the work is right)",
        [("drop_grades", "", "")],
        FULL6,
        "graded",
    ),
    "edited_grade_cells": (
        L6,
        "grade cells replaced by a print of success, with a wrong jsd",
        [("replace", "jsd", KL), ("grades", "", 'print("all checks passed")\n')],
        FULL6 - P6["jsd"],
        "graded",
    ),
    "redefined_check": (
        L6,
        "checks.check_jsd reassigned and scipy's jensenshannon patched to agree",
        [
            (
                "replace",
                "jsd",
                KL + "\nimport math\nfrom scipy.spatial import distance\nchecks.check_jsd = lambda *a, **k: None\n"
                "distance.jensenshannon = lambda p, q: math.sqrt(jsd(p, q))\n",
            )
        ],
        P6["optimal_discriminator"],
        "graded",
    ),
    "redefined_assert": (
        L6,
        "AssertionError replaced in builtins so failed checks raise nothing catchable",
        [("replace", "jsd", KL + "\nimport builtins\nbuiltins.AssertionError = type('Quiet', (Exception,), {})\n")],
        P6["optimal_discriminator"],
        "graded",
    ),
    "patched_numpy": (
        L6,
        "np.allclose and np.isclose always True",
        [("replace", "jsd", KL + "\nnp.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True\n")],
        P6["optimal_discriminator"],
        "graded",
    ),
    "patched_builtins": (
        L6,
        "builtins.abs patched",
        [("replace", "jsd", KL + "\nimport builtins\nbuiltins.abs = lambda x: 0.0\n")],
        P6["optimal_discriminator"],
        "graded",
    ),
    "reload_replaced": (
        L6,
        "importlib.reload returns a fake checks module whose checks pass",
        [
            (
                "replace",
                "jsd",
                KL + "\nimport importlib, types\nfake = types.SimpleNamespace(check_jsd=lambda *a, **k: None)\n"
                "importlib.reload = lambda module: fake\n",
            )
        ],
        P6["optimal_discriminator"],
        "graded",
    ),
    "input_transformer": (
        L6,
        "an IPython input transformer wrapping grade cells in try/except",
        [
            (
                "before",
                "jsd",
                "def wrap(lines):\n    return ['try:\\n'] + ['    ' + l for l in lines] + ['except BaseException:\\n    pass\\n']\n"
                "get_ipython().input_transformers_cleanup.append(wrap)\n",
            ),
            ("replace", "jsd", KL),
        ],
        FULL6 - P6["jsd"],
        "graded",
    ),
    "fake_gan_lab": (
        L6,
        "a fake gan_lab package beside the notebook (and written by a cell), first on sys.path",
        [
            (
                "before",
                "jsd",
                "import os, sys, importlib\nos.makedirs('gan_lab/checks', exist_ok=True)\n"
                "open('gan_lab/__init__.py', 'w').close()\nopen('gan_lab/checks/__init__.py', 'w').write("
                "'def __getattr__(name):\\n    return lambda *a, **k: None\\n')\nsys.path.insert(0, os.getcwd())\n"
                "for m in [m for m in sys.modules if m.startswith('gan_lab')]:\n    del sys.modules[m]\nimport gan_lab.checks\n",
            ),
            ("replace", "jsd", KL),
            ("file", "gan_lab/checks/__init__.py", "def __getattr__(name):\n    return lambda *a, **k: None\n"),
        ],
        FULL6 - P6["jsd"],
        "graded",
    ),
    "guard_off": (
        L6,
        "the guard's own state switched off (verify_untouched a no-op, ORIGINALS rewritten)",
        [
            (
                "replace",
                "jsd",
                KL + "\nfrom gan_lab.checks import _guard\n_guard.verify_untouched = lambda: None\n"
                "_guard.ORIGINALS.clear()\n",
            )
        ],
        P6["optimal_discriminator"],
        "graded",
    ),
    "output_flood": (
        L6,
        "200 MB printed, and 50 MB written straight to fd 1 (the work is right)",
        [
            (
                "before",
                "jsd",
                "import os\nprint('x' * 200_000_000)\nfor _ in range(50):\n    os.write(1, b'y' * 1_000_000)\n",
            )
        ],
        FULL6,
        "graded",
    ),
    "bad_json": (L6, "not JSON", "raw:{ this is not a notebook", 0, "error"),
    "empty_file": (L6, "an empty file", "raw:", 0, "error"),
    "no_notebook": (L6, "a folder without the notebook", "nofile", 0, "error"),
    "wrong_lesson": (L6, "lesson 01's notebook handed in as lesson 06", "wrong_lesson", 0, "error"),
    "bad_kernel_name": (
        L6,
        "a kernelspec that does not exist (the work is right)",
        [("kernel", "", "no-such-kernel")],
        FULL6,
        "graded",
    ),
    "writes_into_checks": (
        L6,
        "overwrite gan_lab/checks (every path it can find) so every check passes",
        [
            (
                "before",
                "jsd",
                "import gan_lab, os, glob\nfor d in [os.path.dirname(gan_lab.__file__)] + glob.glob('/**/gan_lab', recursive=False):\n"
                "    for path in glob.glob(os.path.join(d, 'checks', '*.py')):\n        try:\n"
                "            open(path, 'w').write('raise SystemExit')\n        except OSError as err:\n            print('refused:', err)\n",
            ),
            ("replace", "jsd", KL),
        ],
        FULL6 - P6["jsd"],
        "graded",
    ),
    "writes_gradebook": (
        L6,
        "rewrite gradebook.db wherever it can be found",
        [
            (
                "before",
                "jsd",
                "import glob, sqlite3\nfor path in glob.glob('/tmp/**/gradebook.db', recursive=True) + glob.glob('/*/*/*/gradebook.db') + ['../../../gradebook.db']:\n"
                "    try:\n        db = sqlite3.connect(path)\n        db.execute('update grade set auto_score = 99')\n        db.commit()\n"
                "    except Exception as err:\n        print('refused:', err)\n",
            )
        ],
        FULL6,
        "graded",
    ),
    "lingering_daemon": (
        L6,
        "a daemon meant to outlive the grader (subprocess, then fork)",
        [
            (
                "before",
                "jsd",
                "import os, subprocess\ntry:\n    subprocess.Popen(['sleep', '600'], start_new_session=True)\n"
                "except Exception as err:\n    print('refused:', err)\nif os.fork() == 0:\n    os.setsid()\n    import time\n    time.sleep(600)\n",
            )
        ],
        FULL6,
        "graded",
    ),
    "kills_parent": (
        L6,
        "kill the parent process and every process it can see",
        [
            (
                "before",
                "jsd",
                "import os, signal\nfor pid in (os.getppid(), -1, 1):\n    try:\n        os.kill(pid, signal.SIGKILL)\n"
                "    except Exception as err:\n        print('refused:', err)\n",
            )
        ],
        FULL6,
        "graded",
    ),
    "imports_reference": (
        L6,
        "optimal_discriminator imported from gan_lab.theory",
        [("replace", "optimal_discriminator", "from gan_lab.theory import optimal_discriminator\n")],
        FULL6 - P6["optimal_discriminator"],
        "graded",
    ),
    "forged_results": (
        L6,
        "fake result lines printed and written to every file descriptor, frames and gc searched for the nonce",
        [
            (
                "before",
                "jsd",
                "import gc, json, os, sys\nline = json.dumps({'nonce': '0' * 32, 'type': 'check', 'exercise': 'jsd', 'passed': True})\n"
                "print(line)\nfor fd in range(3, 64):\n    try:\n        os.write(fd, (line + '\\n').encode())\n    except OSError:\n        pass\n"
                "for probe in (lambda: sys._getframe(1), gc.get_objects, lambda: __import__('ctypes').string_at(id(line), 8)):\n"
                "    try:\n        probe()\n    except Exception as err:\n        print('refused:', err)\n",
            ),
            ("replace", "jsd", KL),
        ],
        FULL6 - P6["jsd"],
        "graded",
    ),
    "thread_patcher": (
        L6,
        "a thread that patches np.allclose while the checks run and restores it after",
        [
            (
                "replace",
                "jsd",
                KL + "\nimport threading, time\ndef flip():\n    real = np.allclose\n    while True:\n"
                "        np.allclose = lambda *a, **k: True\n        time.sleep(0.001)\n        np.allclose = real\n"
                "threading.Thread(target=flip, daemon=True).start()\n",
            )
        ],
        FULL6 - P6["jsd"],
        "graded",
    ),
    "frame_walker": (
        L6,
        "from inside the check: walk up the frames to the grader, call its report with a pass, swap its helpers, patch numpy",
        [
            (
                "replace",
                "jsd",
                KL
                + "\n_kl_jsd = jsd\ndef jsd(p, q):\n    import sys\n    frame = sys._getframe(1)\n    while frame is not None:\n"
                "        for name, value in list(frame.f_locals.items()) + list(frame.f_globals.items()):\n"
                "            try:\n                if name == 'report':\n                    value('check', 'jsd', True, {})\n"
                "                if name in ('changed', 'describe', 'snapshot'):\n                    frame.f_globals[name] = lambda *a, **k: None\n"
                "                    value.__defaults__ = None\n            except Exception as err:\n                print('refused:', err)\n"
                "        frame = frame.f_back\n    np.allclose = lambda *a, **k: True\n    return _kl_jsd(p, q)\n",
            )
        ],
        P6["optimal_discriminator"],
        "graded",
    ),
    "honest_files": (
        L6,
        "honest work that writes and reads its own files (pathlib and open) in the scratch folder",
        [
            (
                "before",
                "jsd",
                "from pathlib import Path\nPath('notes.txt').write_text('p and q')\n"
                "print(open('notes.txt').read(), Path('notes.txt').read_text())\n",
            )
        ],
        FULL6,
        "graded",
    ),
    "symlink_to_other": (L6, "the notebook is a symbolic link to another student's", "symlink", 0, "error"),
    "reads_secrets": (
        L6,
        "look for the instructor's solutions (and /etc/shadow, root's files) and run the solution's jsd",
        [
            (
                "replace",
                "jsd",
                KL
                + "\nimport glob, json\nfound = [p for pattern in ('/*/*/solutions/*/*.ipynb', '/*/*/*/solutions/*/*.ipynb',"
                " '/tmp/**/solutions/*/*.ipynb') for p in glob.glob(pattern, recursive=True)]\nprint('found:', found)\n"
                "for path in found:\n    for cell in json.load(open(path))['cells']:\n"
                "        if cell['metadata'].get('nbgrader', {}).get('grade_id') == 'jsd':\n            exec(''.join(cell['source']))\n"
                "for secret in ('/etc/shadow', '/root/.bash_history', '/etc/passwd'):\n    try:\n        print(open(secret).read()[:40])\n"
                "    except OSError as err:\n        print('refused:', err)\n",
            )
        ],
        FULL6 - P6["jsd"],
        "graded",
    ),
    "honest_full_01": (L1, "lesson 01's solution", [], FULL1, "graded"),
    "honest_partial_01": (
        L1,
        "a sigmoid on the generator's output",
        [("replace", "MLPGenerator", source("l1_generator_sigmoid_output"))],
        FULL1 - P1["MLPGenerator"],
        "graded",
    ),
    "patched_torch_01": (
        L1,
        "torch.allclose, torch.Tensor.std and F.linear patched, with uniform noise",
        [
            (
                "replace",
                "sample_z",
                "def sample_z(batch_size, latent_dim, device='cpu'):\n    return torch.rand(batch_size, latent_dim, device=device)\n"
                "torch.allclose = lambda *a, **k: True\nimport torch.nn.functional as F\nF.linear = F.linear\n"
                "try:\n    torch.Tensor.std = lambda self, *a, **k: torch.tensor(1.0)\nexcept Exception as err:\n    print('refused:', err)\n",
            )
        ],
        0,
        "graded",
    ),
}


def notebook(kind: str, lesson: str) -> nbformat.NotebookNode:
    return nbformat.read(ROOT / kind / lesson / f"{lesson}.ipynb", as_version=4)


def grade_id(cell: nbformat.NotebookNode) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def edited(lesson: str, edits: list[tuple[str, str, str]]) -> nbformat.NotebookNode:
    """The lesson's solution notebook with the edits applied."""
    nb = notebook("solutions", lesson)
    for op, target, code in edits:
        cells = {grade_id(c): c for c in nb.cells}
        if op == "replace":
            cells[target].source = code
        elif op == "prepend":
            cells[target].source = code + cells[target].source
        elif op == "before":
            cell = nbformat.v4.new_code_cell(code)
            cell.id = f"inserted-before-{target}"  # not a random id: the corpus regenerates byte for byte
            nb.cells.insert(nb.cells.index(cells[target]), cell)
        elif op == "drop_grades":
            nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade")]
        elif op == "grades":
            for c in nb.cells:
                if c.metadata.get("nbgrader", {}).get("grade"):
                    c.source = code
        elif op == "kernel":
            nb.metadata.kernelspec = {"name": code, "display_name": code, "language": "python"}
    return nb


def main() -> None:
    out = HERE / "corpus"
    shutil.rmtree(out, ignore_errors=True)
    expected = {}
    for student, (lesson, why, edits, score, status) in CORPUS.items():
        folder = out / student / lesson
        folder.mkdir(parents=True)
        target = folder / f"{lesson}.ipynb"
        if edits == "blank":
            shutil.copy(ROOT / "lessons" / lesson / f"{lesson}.ipynb", target)
        elif edits == "wrong_lesson":
            shutil.copy(ROOT / "solutions" / L1 / f"{L1}.ipynb", target)
        elif edits == "symlink":
            target.symlink_to(Path("..", "..", "honest_full", lesson, f"{lesson}.ipynb"))
        elif edits == "nofile":
            (folder / "README.txt").write_text("forgot the notebook\n")
        elif isinstance(edits, str):
            target.write_text(edits.removeprefix("raw:"))
        else:
            nbformat.write(edited(lesson, edits), target)
            for op, path, text in edits:
                if op == "file":  # a file handed in beside the notebook
                    (folder / path).parent.mkdir(parents=True, exist_ok=True)
                    (folder / path).write_text(text)
        expected[student] = {
            "lesson": lesson,
            "score": score,
            "max_score": sum(LESSONS[lesson].values()),
            "status": status,
            "why": why,
        }
    (HERE / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
    print(f"wrote {len(expected)} submissions under {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
