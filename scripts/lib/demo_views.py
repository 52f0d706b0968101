"""Views for scripts/run: a project's live updates (SSE on stdin) as a timeline, a project
(JSON on stdin) in a few lines, and a generation's live updates as a progress log."""
import json
import sys


def timeline():
    event = None
    for line in sys.stdin:
        line = line.rstrip("\n")
        if line.startswith("event: "):
            event = line[len("event: "):]
        elif line.startswith("data: "):
            data = json.loads(line[len("data: "):])
            if event == "status":
                print(f"  {data['at']}  project  {data['status']}")
            else:
                progress = data.get("progress") or 0
                print(f"  {data['at']}  build    #{data['sequence']} {data['kind']:<9} {progress:>3}%  {data.get('message') or ''}")
            sys.stdout.flush()


def generation():
    for line in sys.stdin:
        if line.startswith("data: "):
            data = json.loads(line[len("data: "):])
            print(f"  {data['at']}  {data['status']:<9} {data['progress_percent']:>3}%  {data.get('progress_message') or ''}")
            sys.stdout.flush()


def project():
    p = json.load(sys.stdin)
    plan = p["plan"]
    stack = plan["techStack"]
    print(f"  {p['name']}: {p['status']}; {len(p['requirements'])} requirements, {len(plan['features'])} features, "
          f"stack {' + '.join(stack['frontend'] + stack['backend'])}, {stack['database']}; build {p['build_id']}")
    for requirement in p["requirements"]:
        print(f"  - {requirement}")


if __name__ == "__main__":
    {"timeline": timeline, "project": project, "generation": generation}[sys.argv[1]]()
