"""Fixtures for git tests: a shared bare repository and clerks' clones of it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

#: the same fixed identity as the top-level conftest's repositories
ENV = {
    "GIT_AUTHOR_NAME": "Test Clerk",
    "GIT_AUTHOR_EMAIL": "clerk@example.org",
    "GIT_COMMITTER_NAME": "Test Clerk",
    "GIT_COMMITTER_EMAIL": "clerk@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def run_git(cwd: Path, *args: str, path_env: str | None = None) -> subprocess.CompletedProcess:
    """git without check: tests look at the exit code and stderr themselves.

    ``path_env`` replaces PATH, to show hooks do not rely on finding dangjian there.
    """
    env = {**os.environ, **ENV}
    if path_env is not None:
        env["PATH"] = path_env
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture(name="git_run")
def git_run_fixture():
    """``git_run(cwd, *args, path_env=None)``: run git, keep exit code and output."""
    return run_git


@pytest.fixture
def seed(make_repo):
    """The minimal valid records, committed on main."""
    return make_repo(git=True, name="seed")


@pytest.fixture
def server(seed, tmp_path: Path) -> Path:
    """A bare repository holding the seed's main: the shared server."""
    bare = tmp_path / "server.git"
    assert run_git(tmp_path, "clone", "-q", "--bare", str(seed.root), str(bare)).returncode == 0
    return bare


@pytest.fixture
def clone(seed, server: Path, tmp_path: Path):
    """Factory: ``clone(name)`` gives a clerk's clone of the server (a RecordsRepo)."""

    def factory(name: str):
        root = tmp_path / name
        assert run_git(tmp_path, "clone", "-q", str(server), str(root)).returncode == 0
        repo = type(seed)(root)
        repo.git("config", "user.name", f"Clerk {name}")
        repo.git("config", "user.email", f"{name}@example.org")
        return repo

    return factory
