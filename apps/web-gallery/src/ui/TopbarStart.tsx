import { LogoMark } from './icons';

/** The start of every top bar (the owner's and a share link's visitor's): the skip link, then the brand. */
export function TopbarStart() {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <div className="brand">
        <LogoMark />
        <span>Mediaflow</span>
      </div>
    </>
  );
}
