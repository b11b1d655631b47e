/**
 * Who is signed in, in the top bar: "登录" opens a small form (user name, password); once signed
 * in it shows the user and department with a sign-out button. Signing in or out reloads the page
 * so the catalogue and tiles are those of the new principal (auth-session.ts).
 */
import { useState } from 'react';
import type { Lang } from '../i18n.ts';
import { readSession, signIn, signOut } from '../auth-session.ts';

const TEXT = {
  zh: { signIn: '登录', signOut: '退出', username: '用户名', password: '密码', submit: '登录', cancel: '取消', failed: '用户名或密码错误', roles: { staff: '部门人员', editor: '编辑', admin: '管理员' } },
  en: { signIn: 'Sign in', signOut: 'Sign out', username: 'User name', password: 'Password', submit: 'Sign in', cancel: 'Cancel', failed: 'Wrong user name or password', roles: { staff: 'Staff', editor: 'Editor', admin: 'Administrator' } },
} as const;

export function LoginBox({ lang, reload = () => window.location.reload() }: { readonly lang: Lang; readonly reload?: () => void }) {
  const t = TEXT[lang];
  const session = readSession();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (session) {
    const u = session.user;
    return (
      <div className="login-box" data-testid="login-box">
        <span className="login-user" data-testid="login-user" title={u.username}>
          {u.displayName} · {t.roles[u.role]}
          {u.department ? ` · ${u.department}` : ''}
        </span>
        <button type="button" className="login-button" data-testid="logout-button" onClick={() => void signOut().then(reload)}>
          {t.signOut}
        </button>
      </div>
    );
  }
  return (
    <div className="login-box" data-testid="login-box">
      <button type="button" className="login-button" aria-expanded={open} data-testid="login-open" onClick={() => setOpen(!open)}>
        {t.signIn}
      </button>
      {open && (
        <form
          className="login-form"
          data-testid="login-form"
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            setBusy(true);
            setError(null);
            void signIn(String(data.get('username') ?? ''), String(data.get('password') ?? '')).then((result) => {
              setBusy(false);
              if (result.ok) reload();
              else setError(result.problem.status === 401 ? t.failed : result.problem.detail);
            });
          }}
        >
          <label>
            {t.username}
            <input name="username" autoComplete="username" required data-testid="login-username" />
          </label>
          <label>
            {t.password}
            <input name="password" type="password" autoComplete="current-password" required data-testid="login-password" />
          </label>
          {error && (
            <p className="login-error" role="alert" data-testid="login-error">
              {error}
            </p>
          )}
          <div className="login-actions">
            <button type="submit" disabled={busy} data-testid="login-submit">
              {t.submit}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {t.cancel}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
