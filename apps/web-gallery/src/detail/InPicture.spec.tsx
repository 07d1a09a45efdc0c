import { fireEvent, render, screen } from '@testing-library/react';
import { InPicture, peopleLabel, textLines } from './InPicture';

describe('InPicture', () => {
  it('says how many people the tagger counted', () => {
    render(<InPicture faces={3} />);
    expect(screen.getByRole('region', { name: 'In the picture' }).textContent).toContain('3 people');
    expect(screen.queryByText('Text read from the picture')).toBeNull();
    expect(peopleLabel(1)).toBe('1 person');
  });

  it('shows nothing without faces or text', () => {
    const { container } = render(<InPicture faces={0} text={'  \n '} />);
    expect(container.innerHTML).toBe('');
    const none = render(<InPicture />);
    expect(none.container.innerHTML).toBe('');
  });

  it('shows short text whole, with no toggle', () => {
    render(<InPicture text={'MEDIAFLOW BAKERY\nopen every day'} />);
    expect(screen.getByText('Text read from the picture')).toBeTruthy();
    expect(screen.getByRole('region', { name: 'In the picture' }).querySelector('blockquote')?.textContent).toBe('MEDIAFLOW BAKERY\nopen every day');
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.queryByText(/people|person/)).toBeNull();
  });

  it('shows the first lines of long text, and the rest on request', () => {
    render(<InPicture faces={1} text={'one\ntwo\n\nthree\nfour\nfive'} />);
    const quote = () => screen.getByRole('region', { name: 'In the picture' }).querySelector('blockquote')?.textContent;
    expect(screen.getByText('1 person')).toBeTruthy();
    expect(quote()).toBe('one\ntwo\nthree…');
    const toggle = screen.getByRole('button', { name: 'Show all text (5 lines)' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(toggle);
    expect(quote()).toBe('one\ntwo\nthree\nfour\nfive');
    expect(screen.getByRole('button', { name: 'Show less' }).getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: 'Show less' }));
    expect(quote()).toBe('one\ntwo\nthree…');
  });

  it('splits text into its non-empty lines', () => {
    expect(textLines(' a \n\n b\n')).toEqual(['a', 'b']);
  });
});
