import type { ApiError } from '../api/client';
import { MAX_Q, MAX_TAGS } from './view';

/**
 * Whether the API refused the search itself (a 400 naming its words or filters): asking again
 * would only be refused again, the person has to change the search. A refused cursor is not
 * theirs to change, so it is not counted.
 */
export function isRefusedSearch(error: ApiError): boolean {
  return error.status === 400 && !error.errors.some((e) => e.path === 'cursor');
}

/**
 * Why a search was refused, in the person's words rather than the API's: said from the first
 * field the problem names (`errors[].path`), the API's own detail when it names none we know.
 *
 * @example
 * refusalText(new ApiError('…', 400, 'validation_failed', 'invalid query: to: "to" is before "from"', { errors: [{ path: 'to', message: '"to" is before "from"' }] }))
 * // 'The last day taken is before the first one.'
 */
export function refusalText(error: ApiError): string {
  for (const issue of error.errors) {
    switch (issue.path.split('.')[0]) {
      case 'q':
        return `The search is too long: use at most ${MAX_Q} characters.`;
      case 'tags':
        return `These tags can\u2019t be searched for: use at most ${MAX_TAGS} tags, made of letters, digits and spaces.`;
      case 'from':
      case 'to':
        return issue.message.includes('before') ? 'The last day taken is before the first one.' : 'A date taken is not a day of the calendar.';
      case 'camera':
        return 'The camera words are too long.';
      case 'album':
        return 'The album filter does not name an album.';
      case 'order':
        return 'Sorting by relevance needs words to search for.';
      case 'kind':
      case 'status':
        return 'The kind or status filter is not one Mediaflow knows.';
      default:
        break;
    }
  }
  return error.detail;
}
